import type { EntityManager } from 'typeorm';
import { Brackets } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { Cohort } from '../accounts/cohort.entity';
import { assertAdmin, assertInScope, scopeOf } from '../accounts/policy';
import type { Role } from '../accounts/roles';
import { endLinksOf } from '../accounts/links';
import { endSessionsOf } from '../accounts/sessions';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { countActiveAcademyAdmins, lockAdminSet } from '../accounts/users';
import { recordAudit } from '../audit/audit';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../web/errors';
import { positionId, positionParts, positionText } from '../web/pager';

export const PEOPLE_PAGE_SIZE = 50;
/** Matches are counted up to this many ("more than 1,000 people found"). */
export const PEOPLE_COUNT_LIMIT = 1000;

/** A list position as an opaque URL-safe token: the last shown person's name and id. */
export function encodePosition(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString('base64url');
}

function decodePosition(token: string | undefined): { name: string; id: string } | null {
  // An unreadable or forged position starts from the first page.
  const [name, id] = positionParts(token) ?? [];
  const position = { name: positionText(name), id: positionId(id) };
  return position.name !== null && position.id !== null ? { name: position.name, id: position.id } : null;
}

export interface PersonView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  chapterId: string | null;
  chapterName: string | null;
  cohortId: string | null;
  cohortName: string | null;
  scopeChapterId: string | null;
  active: boolean;
  coachCapacity: number;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface PeopleQuery {
  q: string;
  role: Role | '';
  chapterId: string | null;
  status: 'active' | 'inactive' | '';
  cohortId?: string | null;
  after?: string;
}

export interface PersonInput {
  role: Role;
  chapterId: string | null;
  coachCapacity?: number;
  cohortId?: string | null;
  /** Only academy-wide admins may set it, and only for admins. */
  scopeChapterId?: string | null;
}

function toPersonView(user: User): PersonView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    chapterId: user.chapterId,
    chapterName: user.chapter?.name ?? null,
    cohortId: user.cohortId,
    cohortName: user.cohort?.name ?? null,
    scopeChapterId: user.scopeChapterId,
    active: user.active,
    coachCapacity: user.coachCapacity,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}

/**
 * Throws Conflict (with a reason, on `field` when given) when `user` is the last active admin of
 * the whole academy: without one, nobody could reach chapters, the outbox or the audit log. Call
 * with the admin set locked. The database refuses it too (trigger users_keep_an_academy_admin).
 */
async function assertAnotherAcademyAdmin(manager: EntityManager, user: User, field?: string): Promise<void> {
  if (user.role !== 'admin' || user.scopeChapterId !== null || !user.active) return;
  if ((await countActiveAcademyAdmins(manager)) > 1) return;
  const reason =
    'This is the only active admin of the whole academy; make someone else an academy-wide admin first.';
  throw new Conflict(reason, field ? { [field]: reason } : {});
}

/** Admin view of people: search, role and chapter changes, deactivation (records always stay). */
export class PeopleService {
  /**
   * One page of people matching the query, by name then id, starting after `query.after` (keyset
   * paging: an index walk at any depth, and stable while people are added). `total` counts the
   * matches up to PEOPLE_COUNT_LIMIT (`totalCapped` when there are more); `next` is the position
   * the following page starts after, when there is one.
   */
  async search(
    manager: EntityManager,
    actor: SessionUser | undefined,
    query: PeopleQuery,
  ): Promise<{ people: PersonView[]; total: number; totalCapped: boolean; next: string | null }> {
    const admin = assertAdmin(actor);
    const builder = manager
      .createQueryBuilder(User, 'user')
      .leftJoinAndSelect('user.chapter', 'chapter')
      .leftJoinAndSelect('user.cohort', 'cohort');
    const scope = scopeOf(admin);
    if (scope) builder.andWhere('user.chapter_id = :scope', { scope });
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere(
        new Brackets((where) =>
          where
            .where('user.email ILIKE :pattern', { pattern })
            .orWhere('user.display_name ILIKE :pattern', { pattern }),
        ),
      );
    }
    if (query.role) builder.andWhere('user.role = :role', { role: query.role });
    if (query.chapterId) builder.andWhere('user.chapter_id = :chapterId', { chapterId: query.chapterId });
    if (query.status) builder.andWhere('user.active = :active', { active: query.status === 'active' });
    if (query.cohortId) builder.andWhere('user.cohort_id = :cohortId', { cohortId: query.cohortId });
    const [matches, parameters] = builder
      .clone()
      .select('user.id')
      .limit(PEOPLE_COUNT_LIMIT + 1)
      .getQueryAndParameters();
    const [{ n }] = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM (${matches}) AS matches`,
      parameters,
    );
    const after = decodePosition(query.after);
    if (after)
      builder.andWhere('(user.display_name, user.id) > (:afterName, :afterId)', {
        afterName: after.name,
        afterId: after.id,
      });
    const users = await builder
      .orderBy('user.display_name', 'ASC')
      .addOrderBy('user.id', 'ASC')
      // Each person joins at most one chapter and cohort, so a plain LIMIT is exact (no DISTINCT pass).
      .limit(PEOPLE_PAGE_SIZE + 1)
      .getMany();
    const page = users.slice(0, PEOPLE_PAGE_SIZE);
    const last = page[page.length - 1];
    return {
      people: page.map(toPersonView),
      total: Math.min(n, PEOPLE_COUNT_LIMIT),
      totalCapped: n > PEOPLE_COUNT_LIMIT,
      next: users.length > PEOPLE_PAGE_SIZE ? encodePosition(last.displayName, last.id) : null,
    };
  }

  async get(manager: EntityManager, actor: SessionUser | undefined, userId: string): Promise<PersonView> {
    const admin = assertAdmin(actor);
    const user = await manager.findOne(User, {
      where: { id: userId },
      relations: { chapter: true, cohort: true },
    });
    if (!user) throw new NotFound('That person does not exist.');
    assertInScope(admin, user.chapterId, 'That person');
    return toPersonView(user);
  }

  private async lockPerson(manager: EntityManager, admin: SessionUser, userId: string): Promise<User> {
    await lockAdminSet(manager);
    const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFound('That person does not exist.');
    assertInScope(admin, user.chapterId, 'That person');
    return user;
  }

  /** What a chapter-scoped admin may not do, and references that must exist. */
  private async checkInput(manager: EntityManager, admin: SessionUser, user: User, input: PersonInput) {
    const scope = scopeOf(admin);
    const errors: FieldErrors = {};
    if (input.chapterId && !(await manager.exists(Chapter, { where: { id: input.chapterId } })))
      errors.chapterId = 'That chapter does not exist.';
    if (scope && input.chapterId !== scope)
      errors.chapterId = 'You can only place people in your own chapter.';
    if (input.cohortId) {
      const cohort = await manager.findOne(Cohort, { where: { id: input.cohortId } });
      if (!cohort || (scope && cohort.chapterId !== scope)) errors.cohortId = 'That cohort does not exist.';
    }
    if (input.scopeChapterId && !(await manager.exists(Chapter, { where: { id: input.scopeChapterId } })))
      errors.scopeChapterId = 'That chapter does not exist.';
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
    if (scope && input.role === 'admin' && user.role !== 'admin')
      throw new Forbidden('Only admins of the whole academy can make someone an admin.');
    if (scope && user.role === 'admin' && user.id !== admin.id)
      throw new Forbidden('Only admins of the whole academy can change another admin.');
  }

  /**
   * Changes role, chapter and scope. Throws Conflict when it would leave the academy without an
   * active academy-wide admin (demoting or limiting the last one, oneself included).
   */
  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
    input: PersonInput,
  ): Promise<void> {
    const admin = assertAdmin(actor);
    const user = await this.lockPerson(manager, admin, userId);
    await this.checkInput(manager, admin, user, input);
    const coachCapacity = input.coachCapacity ?? user.coachCapacity;
    const cohortId = input.cohortId === undefined ? user.cohortId : input.cohortId;
    // Scope is an admin-only setting that only academy-wide admins change.
    const scopeChapterId =
      input.role !== 'admin'
        ? null
        : scopeOf(admin) || input.scopeChapterId === undefined
          ? user.scopeChapterId
          : input.scopeChapterId;
    const staysAcademyAdmin = input.role === 'admin' && scopeChapterId === null;
    if (!staysAcademyAdmin) await assertAnotherAcademyAdmin(manager, user, 'role');
    const changes = {
      role: { from: user.role, to: input.role },
      chapterId: { from: user.chapterId, to: input.chapterId },
      ...(coachCapacity !== user.coachCapacity
        ? { coachCapacity: { from: user.coachCapacity, to: coachCapacity } }
        : {}),
      ...(cohortId !== user.cohortId ? { cohortId: { from: user.cohortId, to: cohortId } } : {}),
      ...(scopeChapterId !== user.scopeChapterId
        ? { scopeChapterId: { from: user.scopeChapterId, to: scopeChapterId } }
        : {}),
    };
    await manager.update(User, user.id, {
      role: input.role,
      chapterId: input.chapterId,
      coachCapacity,
      cohortId,
      scopeChapterId,
    });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'user.updated',
      subjectType: 'user',
      subjectId: user.id,
      details: changes,
    });
  }

  /**
   * Deactivating ends every session, reset link and calendar link of that person at once;
   * reactivating lets them sign in again.
   */
  async setActive(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
    active: boolean,
  ): Promise<PersonView> {
    const admin = assertAdmin(actor);
    const user = await this.lockPerson(manager, admin, userId);
    if (!active && user.id === admin.id) throw new Conflict('You cannot deactivate your own account.');
    if (scopeOf(admin) && user.role === 'admin')
      throw new Forbidden('Only admins of the whole academy can change another admin.');
    if (!active) await assertAnotherAcademyAdmin(manager, user);
    if (user.active !== active) {
      await manager.update(User, user.id, { active });
      if (!active) {
        await endSessionsOf(manager, user.id);
        await endLinksOf(manager, user.id);
      }
      await recordAudit(manager, {
        actorId: admin.id,
        action: active ? 'user.reactivated' : 'user.deactivated',
        subjectType: 'user',
        subjectId: user.id,
      });
    }
    return toPersonView({ ...user, active });
  }
}
