import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { notify } from '../notifications/notify';
import { Forbidden, NotFound } from '../web/errors';
import { ProjectRole } from './opportunity.entities';
import type { ProjectsService } from './projects.service';
import type { RoleInput } from './projects.schemas';

export const BOARD_PAGE_SIZE = 20;

export interface BoardQuery {
  chapterId: string | null;
  state: string | null;
  /** Keyset cursor: the last role shown (created_at ISO, id). */
  after: { at: Date; id: string } | null;
}

export interface BoardRole {
  id: string;
  title: string;
  commitment: string;
  skills: string;
  project: string;
  problem: string;
  chapter: string;
  state: string | null;
  createdAt: Date;
}

export interface RoleWithInterest {
  id: string;
  title: string;
  commitment: string;
  skills: string;
  open: boolean;
  interested: { name: string; email: string; at: Date }[];
}

/** Roles on the board: open, of a public project that is an idea or active. */
const ON_BOARD = `r.open AND p.public AND p.status IN ('idea', 'active')`;

/**
 * Roles projects need, the public opportunities board across chapters, and "I'm interested"
 * (once per person and role, held by the primary key; the project lead is told).
 */
export class OpportunitiesService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly baseUrl: string,
  ) {}

  /** Lists a role the project needs (its managers only); audited. */
  async addRole(manager: EntityManager, actor: SessionUser | undefined, projectId: string, input: RoleInput) {
    const access = await this.projects.access(manager, actor, projectId);
    if (!access.manage) throw new Forbidden('Only the chapter’s admins and the project lead can list roles.');
    const role = await manager.save(manager.create(ProjectRole, { ...input, projectId }));
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'project.role_added',
      subjectType: 'project',
      subjectId: projectId,
      details: { roleId: role.id, title: role.title },
    });
  }

  /** Opens or closes a role (closed roles leave the board); audited. Returns the project's id. */
  async setOpen(manager: EntityManager, actor: SessionUser | undefined, roleId: string, open: boolean) {
    const role = await manager.findOneBy(ProjectRole, { id: roleId });
    if (!role) throw new NotFound('That role does not exist.');
    const access = await this.projects.access(manager, actor, role.projectId);
    if (!access.manage)
      throw new Forbidden('Only the chapter’s admins and the project lead can change roles.');
    if (role.open !== open) {
      await manager.update(ProjectRole, roleId, { open });
      await recordAudit(manager, {
        actorId: actor!.id,
        action: open ? 'project.role_opened' : 'project.role_closed',
        subjectType: 'project',
        subjectId: role.projectId,
        details: { roleId, title: role.title },
      });
    }
    return role.projectId;
  }

  /** A project's roles; with who is interested only when `withInterest` (its managers). */
  async rolesOf(
    manager: EntityManager,
    projectId: string,
    withInterest: boolean,
  ): Promise<RoleWithInterest[]> {
    const roles = await manager.find(ProjectRole, {
      where: { projectId },
      order: { createdAt: 'ASC' },
      take: 100,
    });
    const interest = withInterest
      ? await manager.query<{ role_id: string; name: string; email: string; at: Date }[]>(
          `SELECT i.role_id, u.display_name AS name, u.email, i.created_at AS at
             FROM role_interests i JOIN users u ON u.id = i.user_id
            WHERE i.role_id = ANY($1) ORDER BY i.created_at LIMIT 2000`,
          [roles.map((r) => r.id)],
        )
      : [];
    return roles.map((r) => ({
      id: r.id,
      title: r.title,
      commitment: r.commitment,
      skills: r.skills,
      open: r.open,
      interested: interest.filter((i) => i.role_id === r.id),
    }));
  }

  /** One page of the public board, newest roles first; anyone may read it. */
  async board(
    manager: EntityManager,
    query: BoardQuery,
  ): Promise<{ roles: BoardRole[]; next: string | null }> {
    const rows = await manager.query<BoardRole[]>(
      `SELECT r.id, r.title, r.commitment, r.skills, p.name AS project, p.problem, ch.name AS chapter,
              ch.state_code AS state, r.created_at AS "createdAt"
         FROM project_roles r JOIN projects p ON p.id = r.project_id JOIN chapters ch ON ch.id = p.chapter_id
        WHERE ${ON_BOARD}
          AND ($1::uuid IS NULL OR p.chapter_id = $1) AND ($2::text IS NULL OR ch.state_code = $2)
          AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3, $4::uuid))
        ORDER BY r.created_at DESC, r.id DESC LIMIT ${BOARD_PAGE_SIZE + 1}`,
      [query.chapterId, query.state, query.after?.at ?? null, query.after?.id ?? null],
    );
    const more = rows.length > BOARD_PAGE_SIZE;
    const roles = rows.slice(0, BOARD_PAGE_SIZE);
    const last = roles[roles.length - 1];
    return { roles, next: more && last ? `${last.createdAt.toISOString()}~${last.id}` : null };
  }

  /**
   * Records that `actor` is interested in a role on the board; the lead (or whoever recorded the
   * project) is told the first time only. Returns false when they had already said so.
   */
  async interested(manager: EntityManager, actor: SessionUser | undefined, roleId: string): Promise<boolean> {
    const person = assertSignedIn(actor);
    const [role] = await manager.query<
      { title: string; project_id: string; project: string; tell: string | null }[]
    >(
      `SELECT r.title, p.id AS project_id, p.name AS project, coalesce(p.lead_id, p.created_by) AS tell
         FROM project_roles r JOIN projects p ON p.id = r.project_id WHERE r.id = $1 AND ${ON_BOARD}`,
      [roleId],
    );
    if (!role) throw new NotFound('That role is not open any more.');
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO role_interests (role_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING role_id`,
      [roleId, person.id],
    );
    if (!inserted.length) return false;
    const lead = role.tell
      ? await manager.query<{ id: string; email: string; displayName: string }[]>(
          `SELECT id, email, display_name AS "displayName" FROM users WHERE id = $1 AND active`,
          [role.tell],
        )
      : [];
    if (lead[0] && lead[0].id !== person.id)
      await notify(manager, this.baseUrl, {
        to: lead[0],
        kind: 'projects',
        title: `${person.displayName} is interested in “${role.title}”`,
        body: `On the project “${role.project}”. Its page lists everyone interested, with their email address.`,
        link: `/projects/${role.project_id}`,
      });
    return true;
  }
}
