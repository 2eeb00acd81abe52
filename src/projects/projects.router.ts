import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ChaptersService } from '../admin/chapters.service';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { handleForm, parseForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import type { OpportunitiesService } from './opportunities.service';
import { PROJECT_STATUSES } from './project.entities';
import {
  impactForm,
  newProjectForm,
  projectForm,
  roleForm,
  roleOpenForm,
  STATUS_LABELS,
  volunteerForm,
} from './projects.schemas';
import type { ProjectsService } from './projects.service';

interface ProjectsRouterDeps {
  dataSource: DataSource;
  projects: ProjectsService;
  opportunities: OpportunitiesService;
  chapters: ChaptersService;
}

const statusOptions = PROJECT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));
const dateTime = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** Projects inside the app: the list, a new project, and each project's page with its forms. */
export function projectsRouter({
  dataSource,
  projects,
  opportunities,
  chapters,
}: ProjectsRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  router.use('/projects', requireSignedIn);

  router.get('/projects', async (req, res) => {
    const list = await projects.list(manager, req.user);
    res.render('projects/index', {
      pageTitle: 'Projects',
      projects: list.map((p) => ({ ...p, statusLabel: STATUS_LABELS[p.status] })),
      canCreate: req.user!.role === 'admin',
    });
  });

  const newModel = async (req: Request) => {
    const choices = await chapters.forAdmin(manager, req.user);
    const chapterId =
      z.uuid().safeParse(req.query.chapterId ?? (req.body as { chapterId?: unknown } | undefined)?.chapterId)
        .data ?? choices[0]?.id;
    return {
      pageTitle: 'New project',
      chapters: choices,
      chapterId,
      members: chapterId ? await projects.members(manager, chapterId) : [],
      statusOptions,
    };
  };
  router.get('/projects/new', requireRole('admin'), async (req, res) => {
    res.render('projects/new', { ...(await newModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/projects',
    requireRole('admin'),
    handleForm({
      view: 'projects/new',
      schema: newProjectForm,
      model: newModel,
      submit: async (req, res, input) => {
        const project = await tx((m) => projects.create(m, req.user, input));
        flash(req, 'success', 'Project recorded.');
        res.redirect(303, `/projects/${project.id}`);
      },
    }),
  );

  const showModel = async (req: Request) => {
    const access = await projects.access(manager, req.user, idOf(req));
    const { project } = access;
    const history = await projects.impactHistory(manager, project.id);
    return {
      pageTitle: project.name,
      project: {
        ...project,
        linksText: project.links.join('\n'),
        statusLabel: STATUS_LABELS[project.status],
      },
      chapterName: access.chapterName,
      manage: access.manage,
      admin: access.admin,
      statusOptions,
      current: history[0] && { ...history[0], recordedAt: dateTime(history[0].recordedAt) },
      history: history.slice(1).map((h) => ({ ...h, recordedAt: dateTime(h.recordedAt) })),
      volunteers: await projects.volunteers(manager, project.id),
      members: access.manage ? await projects.members(manager, project.chapterId) : [],
      roles: (await opportunities.rolesOf(manager, project.id, access.manage)).map((r) => ({
        ...r,
        interested: r.interested.map((i) => ({ ...i, at: dateTime(i.at) })),
      })),
    };
  };
  router.get('/projects/:id', async (req, res) => {
    res.render('projects/show', { ...(await showModel(req)), values: {}, errors: {} });
  });
  const onProject = <S extends z.ZodType>(
    path: string,
    schema: S,
    work: (req: Request, input: z.infer<S>) => Promise<unknown>,
    done: string,
  ) =>
    router.post(
      path,
      handleForm({
        view: 'projects/show',
        schema,
        model: showModel,
        submit: async (req, res, input) => {
          await work(req, input);
          flash(req, 'success', done);
          res.redirect(303, `/projects/${idOf(req)}`);
        },
      }),
    );
  onProject(
    '/projects/:id',
    projectForm,
    (req, input) => tx((m) => projects.update(m, req.user, idOf(req), input)),
    'Project saved.',
  );
  onProject(
    '/projects/:id/impact',
    impactForm,
    (req, input) => tx((m) => projects.recordImpact(m, req.user, idOf(req), input)),
    'Figure recorded; the earlier ones stay in the history.',
  );
  onProject(
    '/projects/:id/volunteers',
    volunteerForm,
    (req, input) => tx((m) => projects.addVolunteer(m, req.user, idOf(req), input.userId)),
    'Added to the project.',
  );
  onProject(
    '/projects/:id/roles',
    roleForm,
    (req, input) => tx((m) => opportunities.addRole(m, req.user, idOf(req), input)),
    'Role listed.',
  );
  router.post('/projects/:id/volunteers/:userId/remove', async (req, res) => {
    await tx((m) => projects.removeVolunteer(m, req.user, idOf(req), idOf(req, 'userId')));
    flash(req, 'success', 'Taken off the project.');
    res.redirect(303, `/projects/${idOf(req)}`);
  });
  router.post('/projects/roles/:id/open', async (req, res) => {
    const { open } = parseForm(roleOpenForm, req.body);
    const projectId = await tx((m) => opportunities.setOpen(m, req.user, idOf(req), open === 'yes'));
    flash(req, 'success', open === 'yes' ? 'Role reopened.' : 'Role closed; it left the board.');
    res.redirect(303, `/projects/${projectId}`);
  });
  return router;
}
