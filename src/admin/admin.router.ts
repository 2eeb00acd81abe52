import { TIME_ZONES } from '../web/time-zones';
import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import type { InvitesService } from '../accounts/invites.service';
import type { ProfileService } from '../accounts/profile.service';
import { identityForm } from '../accounts/accounts.schemas';
import type { AssignmentsService } from '../coaching/assignments.service';
import { withTransaction } from '../db/transaction';
import { idOf } from '../web/params';
import { flash } from '../web/flash';
import { handleForm, showForm } from '../web/forms';
import { requireRole } from '../web/guards';
import { scopeOf } from '../accounts/policy';
import { chapterForm, cohortForm, inviteForm, peopleQuery, personForm } from './admin.schemas';
import type { CohortsService } from './cohorts.service';
import type { ChaptersService } from './chapters.service';
import type { OutboxService } from './outbox.service';
import type { PeopleService } from './people.service';
import { ROLES } from '../accounts/roles';
import { US_STATE_OPTIONS } from '../directory/places';

interface AdminRouterDeps {
  dataSource: DataSource;
  people: PeopleService;
  chapters: ChaptersService;
  cohorts: CohortsService;
  invites: InvitesService;
  outbox: OutboxService;
  mailConfigured: boolean;
  profiles: ProfileService;
  assignments: AssignmentsService;
}

export function adminRouter({
  dataSource,
  people,
  chapters,
  cohorts,
  invites,
  outbox,
  mailConfigured,
  profiles,
  assignments,
}: AdminRouterDeps): Router {
  const router = Router();
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const manager = dataSource.manager;
  router.use('/admin', requireRole('admin'));

  router.get('/admin', (_req, res) => res.redirect(303, '/admin/people'));

  router.get('/admin/people', async (req, res) => {
    const query = peopleQuery.parse(req.query);
    const result = await people.search(manager, req.user, query);
    res.render('admin/people', {
      pageTitle: 'People',
      ...result,
      query,
      roles: ROLES,
      chapters: await chapters.forAdmin(manager, req.user),
      ...(await cohorts.forFilter(manager, req.user, {
        chapterId: query.chapterId ?? null,
        cohortId: query.cohortId ?? null,
      })),
      pageLink: (after: string | null) =>
        `?${new URLSearchParams({
          q: query.q,
          role: query.role,
          chapterId: query.chapterId ?? '',
          cohortId: query.cohortId ?? '',
          status: query.status,
          ...(after && { after }),
        }).toString()}`,
    });
  });

  const personModel = async (req: Request) => {
    const person = await people.get(manager, req.user, idOf(req));
    const academyWide = !scopeOf(req.user!);
    const assignment =
      person.role === 'organizer' ? await assignments.currentAssignment(manager, person.id) : null;
    return {
      pageTitle: 'Person',
      person,
      coach: assignment ? { id: assignment.coach.id, name: assignment.coach.displayName } : null,
      roles: academyWide || person.role === 'admin' ? ROLES : ROLES.filter((r) => r !== 'admin'),
      chapters: await chapters.forAdmin(manager, req.user),
      allChapters: await chapters.list(manager),
      cohorts: await cohorts.list(manager, req.user),
      showScope: academyWide && person.role === 'admin',
    };
  };
  router.get('/admin/people/:id', showForm('admin/person', personModel));
  router.post(
    '/admin/people/:id',
    handleForm({
      view: 'admin/person',
      schema: personForm,
      model: personModel,
      submit: async (req, res, input) => {
        await tx((m) => people.update(m, req.user, idOf(req), input));
        flash(req, 'success', 'Changes saved.');
        res.redirect(303, `/admin/people/${idOf(req)}`);
      },
    }),
  );
  router.post(
    '/admin/people/:id/identity',
    handleForm({
      view: 'admin/person',
      schema: identityForm,
      model: personModel,
      submit: async (req, res, input) => {
        await tx((m) => profiles.correct(m, req.user, idOf(req), input));
        flash(req, 'success', 'Name and address saved.');
        res.redirect(303, `/admin/people/${idOf(req)}`);
      },
    }),
  );
  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    router.post(`/admin/people/:id/${action}`, async (req, res) => {
      const person = await tx((m) => people.setActive(m, req.user, idOf(req), active));
      flash(req, 'success', `${person.displayName} was ${action}d.`);
      res.redirect(303, `/admin/people/${person.id}`);
    });
  }

  const chaptersModel = async (req: Request) => ({
    pageTitle: 'Chapters',
    chapters: await chapters.listForManagement(manager, req.user),
    timeZones: TIME_ZONES,
    usStates: US_STATE_OPTIONS,
  });
  router.get('/admin/chapters', showForm('admin/chapters', chaptersModel));
  router.post(
    '/admin/chapters',
    handleForm({
      view: 'admin/chapters',
      schema: chapterForm,
      model: chaptersModel,
      submit: async (req, res, input) => {
        const chapter = await tx((m) => chapters.create(m, req.user, input));
        flash(req, 'success', `Chapter “${chapter.name}” added.`);
        res.redirect(303, '/admin/chapters');
      },
    }),
  );
  const chapterModel = async (req: Request) => ({
    pageTitle: 'Edit chapter',
    chapter: await chapters.get(manager, req.user, idOf(req)),
    timeZones: TIME_ZONES,
    usStates: US_STATE_OPTIONS,
  });
  router.get('/admin/chapters/:id', async (req, res) => {
    const model = await chapterModel(req);
    res.render('admin/chapter', {
      ...model,
      values: {
        name: model.chapter.name,
        region: model.chapter.region,
        timeZone: model.chapter.timeZone ?? '',
        countryCode: model.chapter.countryCode,
        stateCode: model.chapter.stateCode ?? '',
      },
      errors: {},
    });
  });
  router.post(
    '/admin/chapters/:id',
    handleForm({
      view: 'admin/chapter',
      schema: chapterForm,
      model: chapterModel,
      submit: async (req, res, input) => {
        await tx((m) => chapters.update(m, req.user, idOf(req), input));
        flash(req, 'success', 'Chapter saved.');
        res.redirect(303, '/admin/chapters');
      },
    }),
  );

  const cohortsModel = async (req: Request) => ({
    pageTitle: 'Cohorts',
    cohorts: await cohorts.listWithCounts(manager, req.user),
    chapters: await chapters.forAdmin(manager, req.user),
  });
  router.get('/admin/cohorts', showForm('admin/cohorts', cohortsModel));
  router.post(
    '/admin/cohorts',
    handleForm({
      view: 'admin/cohorts',
      schema: cohortForm,
      model: cohortsModel,
      submit: async (req, res, input) => {
        const cohort = await tx((m) => cohorts.create(m, req.user, input));
        flash(req, 'success', `Cohort “${cohort.name}” added.`);
        res.redirect(303, '/admin/cohorts');
      },
    }),
  );

  const invitesModel = async (req: Request) => ({
    pageTitle: 'Invites',
    invites: await invites.list(manager, req.user),
    roles: scopeOf(req.user!) ? ROLES.filter((r) => r !== 'admin') : ROLES,
    chapters: await chapters.forAdmin(manager, req.user),
  });
  router.get('/admin/invites', showForm('admin/invites', invitesModel));
  router.post(
    '/admin/invites',
    handleForm({
      view: 'admin/invites',
      schema: inviteForm,
      model: invitesModel,
      submit: async (req, res, input) => {
        await tx((m) => invites.create(m, req.user, input));
        flash(
          req,
          'success',
          mailConfigured
            ? `Invite sent to ${input.email}.`
            : `Invite created for ${input.email}: no mail server is set up, so copy the link from the Outbox.`,
        );
        res.redirect(303, '/admin/invites');
      },
    }),
  );
  router.post('/admin/invites/:id/resend', async (req, res) => {
    const email = await tx((m) => invites.resend(m, req.user, idOf(req)));
    flash(
      req,
      'success',
      mailConfigured
        ? `A new invite link was sent to ${email}.`
        : `A new invite link for ${email} is in the Outbox: no mail server is set up, so copy it from there.`,
    );
    res.redirect(303, '/admin/invites');
  });
  router.post('/admin/invites/:id/revoke', async (req, res) => {
    const email = await tx((m) => invites.revoke(m, req.user, idOf(req)));
    flash(req, 'success', `The invite for ${email} was revoked.`);
    res.redirect(303, '/admin/invites');
  });

  router.get('/admin/outbox', async (req, res) => {
    res.render('admin/outbox', {
      pageTitle: 'Outbox',
      mailConfigured,
      messages: await outbox.recent(manager, req.user),
    });
  });

  return router;
}
