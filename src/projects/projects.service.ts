import type { EntityManager } from 'typeorm';
import { assertAdmin, assertSignedIn, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { notify } from '../notifications/notify';
import { Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { Project, ProjectImpact, ProjectVolunteer } from './project.entities';
import { canManage, canSee, isChapterAdmin } from './projects.policy';
import type { ImpactInput, NewProjectInput, ProjectInput } from './projects.schemas';

export interface ProjectAccess {
  project: Project;
  chapterName: string;
  /** Chapter admin or lead: may edit, record impact, list roles, see interest. */
  manage: boolean;
  /** Chapter admin: may also name the lead. */
  admin: boolean;
}

export interface ProjectSummary {
  id: string;
  name: string;
  partner: string;
  status: Project['status'];
  chapter: string;
  peopleHelped: number | null;
  unit: string | null;
}

export interface ImpactEntry {
  id: string;
  peopleHelped: number;
  unit: string;
  method: string;
  recordedBy: string | null;
  recordedAt: Date;
}

const HISTORY_LIMIT = 200;
const LATEST_IMPACT = `LEFT JOIN LATERAL (SELECT i.people_helped, i.unit FROM project_impacts i
  WHERE i.project_id = p.id ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) li ON true`;

/**
 * Projects of chapters: what they solve, with whom, who works on them, and how many people they
 * helped over time. Chapter admins create them and name a lead (a chapter member) who may manage
 * them too; every change is audited in its transaction.
 */
export class ProjectsService {
  constructor(private readonly baseUrl: string) {}

  /** The projects `actor` manages or works on, or their chapter's; newest first, at most 200. */
  async list(manager: EntityManager, actor: SessionUser | undefined): Promise<ProjectSummary[]> {
    const person = assertSignedIn(actor);
    const everything = person.role === 'admin' && !scopeOf(person);
    return manager.query<ProjectSummary[]>(
      `SELECT p.id, p.name, p.partner, p.status, ch.name AS chapter,
              li.people_helped AS "peopleHelped", li.unit
         FROM projects p JOIN chapters ch ON ch.id = p.chapter_id ${LATEST_IMPACT}
        WHERE $2 OR p.chapter_id = $3 OR p.chapter_id = $4 OR p.lead_id = $1
           OR EXISTS (SELECT 1 FROM project_volunteers v WHERE v.project_id = p.id AND v.user_id = $1)
        ORDER BY p.created_at DESC, p.id LIMIT 200`,
      [person.id, everything, scopeOf(person), person.chapterId],
    );
  }

  /** The project as `actor` may see it; NotFound for strangers (they cannot learn it exists). */
  async access(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<ProjectAccess> {
    const person = assertSignedIn(actor);
    const project = await manager.findOne(Project, { where: { id }, relations: { chapter: true } });
    const volunteer =
      !!project && (await manager.existsBy(ProjectVolunteer, { projectId: id, userId: person.id }));
    if (!project || !canSee(person, project, volunteer)) throw new NotFound('That project does not exist.');
    return {
      project,
      chapterName: project.chapter!.name,
      manage: canManage(person, project),
      admin: isChapterAdmin(person, project.chapterId),
    };
  }

  private async managed(manager: EntityManager, actor: SessionUser | undefined, id: string) {
    const access = await this.access(manager, actor, id);
    if (!access.manage) throw new Forbidden('Only the chapter’s admins and the project lead can change it.');
    return access;
  }

  /** Throws unless `userId` is an active member of the chapter. */
  private async assertMember(manager: EntityManager, userId: string, chapterId: string, field: string) {
    const member = await manager.existsBy(User, { id: userId, chapterId, active: true });
    if (!member) throw new ValidationFailed({ [field]: 'Choose an active member of the project’s chapter.' });
  }

  /** Records a new project (chapter admins only; the lead must be a chapter member); audited. */
  async create(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: NewProjectInput,
  ): Promise<Project> {
    const admin = assertAdmin(actor);
    if (!isChapterAdmin(admin, input.chapterId))
      throw new ValidationFailed({ chapterId: 'Choose your chapter.' });
    if (input.leadId) await this.assertMember(manager, input.leadId, input.chapterId, 'leadId');
    const project = await manager.save(manager.create(Project, { ...input, createdBy: admin.id }));
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'project.created',
      subjectType: 'project',
      subjectId: project.id,
      details: { name: project.name, chapterId: project.chapterId, leadId: project.leadId },
    });
    await this.tellLead(manager, project, null);
    return project;
  }

  /** Changes a project (admins and the lead; only admins name the lead); audited with what changed. Throws Forbidden for others. */
  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    id: string,
    typed: ProjectInput,
  ): Promise<void> {
    const { project, admin } = await this.managed(manager, actor, id);
    // Only admins name the lead: a lead's form has no such field, and whatever is sent is ignored.
    const input = { ...typed, leadId: admin ? typed.leadId : project.leadId };
    if (input.leadId && input.leadId !== project.leadId)
      await this.assertMember(manager, input.leadId, project.chapterId, 'leadId');
    const changed = (Object.keys(input) as (keyof ProjectInput)[]).filter(
      (key) => JSON.stringify(input[key]) !== JSON.stringify(project[key]),
    );
    if (!changed.length) return;
    const before = project.leadId;
    await manager.update(Project, id, input);
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'project.updated',
      subjectType: 'project',
      subjectId: id,
      details: { changed, ...(changed.includes('status') && { from: project.status, to: input.status }) },
    });
    if (input.leadId !== before) await this.tellLead(manager, { ...project, ...input }, before);
  }

  private async tellLead(manager: EntityManager, project: Project, before: string | null) {
    if (!project.leadId || project.leadId === before) return;
    const lead = await manager.findOneByOrFail(User, { id: project.leadId });
    await notify(manager, this.baseUrl, {
      to: lead,
      kind: 'projects',
      title: `You lead the project “${project.name}”`,
      body: 'You can now edit it, record the people it helped, list the roles it needs and see who is interested.',
      link: `/projects/${project.id}`,
    });
  }

  /** Adds a "people helped" figure; earlier figures stay as history. Audited. */
  async recordImpact(
    manager: EntityManager,
    actor: SessionUser | undefined,
    id: string,
    input: ImpactInput,
  ): Promise<void> {
    await this.managed(manager, actor, id);
    const impact = await manager.save(
      manager.create(ProjectImpact, { ...input, projectId: id, recordedBy: actor!.id }),
    );
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'project.impact_recorded',
      subjectType: 'project',
      subjectId: id,
      details: { impactId: impact.id, peopleHelped: input.peopleHelped, unit: input.unit },
    });
  }

  /** Every figure of a project, newest first (the first is the current one). */
  async impactHistory(manager: EntityManager, projectId: string): Promise<ImpactEntry[]> {
    return manager.query<ImpactEntry[]>(
      `SELECT i.id, i.people_helped AS "peopleHelped", i.unit, i.method, u.display_name AS "recordedBy",
              i.recorded_at AS "recordedAt"
         FROM project_impacts i LEFT JOIN users u ON u.id = i.recorded_by
        WHERE i.project_id = $1 ORDER BY i.recorded_at DESC, i.id DESC LIMIT ${HISTORY_LIMIT}`,
      [projectId],
    );
  }

  /** The people on a project, by name. */
  async volunteers(manager: EntityManager, projectId: string): Promise<{ id: string; name: string }[]> {
    return manager.query(
      `SELECT u.id, u.display_name AS name FROM project_volunteers v JOIN users u ON u.id = v.user_id
        WHERE v.project_id = $1 ORDER BY u.display_name, u.id`,
      [projectId],
    );
  }

  /** Active members of a chapter, for the lead and volunteer choices (at most 500). */
  async members(manager: EntityManager, chapterId: string): Promise<{ id: string; name: string }[]> {
    return manager.query(
      `SELECT id, display_name AS name FROM users WHERE chapter_id = $1 AND active
        ORDER BY display_name, id LIMIT 500`,
      [chapterId],
    );
  }

  /** Puts a chapter member on the project (once; again changes nothing); audited, and they are told. */
  async addVolunteer(manager: EntityManager, actor: SessionUser | undefined, id: string, userId: string) {
    const { project } = await this.managed(manager, actor, id);
    await this.assertMember(manager, userId, project.chapterId, 'userId');
    const added = await manager
      .createQueryBuilder()
      .insert()
      .into(ProjectVolunteer)
      .values({ projectId: id, userId })
      .orIgnore()
      .returning(['user_id'])
      .execute();
    if (!(added.raw as unknown[]).length) return;
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'project.volunteer_added',
      subjectType: 'project',
      subjectId: id,
      details: { userId },
    });
    const volunteer = await manager.findOneByOrFail(User, { id: userId });
    await notify(manager, this.baseUrl, {
      to: volunteer,
      kind: 'projects',
      title: `You are on the project “${project.name}”`,
      body: 'Its page shows the problem, the people on it and what it has achieved so far.',
      link: `/projects/${id}`,
    });
  }

  /** Takes a person off the project; audited. */
  async removeVolunteer(manager: EntityManager, actor: SessionUser | undefined, id: string, userId: string) {
    await this.managed(manager, actor, id);
    const removed = await manager.delete(ProjectVolunteer, { projectId: id, userId });
    if (!removed.affected) return;
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'project.volunteer_removed',
      subjectType: 'project',
      subjectId: id,
      details: { userId },
    });
  }
}
