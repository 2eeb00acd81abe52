import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import type { SessionUser } from './session-user';
import { User } from './user.entity';

export function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    chapterId: user.chapterId,
    scopeChapterId: user.role === 'admin' ? user.scopeChapterId : null,
  };
}

/** The columns of an active person that make a SessionUser (see sessionUserFrom). */
export const SESSION_USER_COLUMNS = 'id, email, display_name, role, chapter_id, scope_chapter_id';

export interface SessionUserRow {
  id: string;
  email: string;
  display_name: string;
  role: User['role'];
  chapter_id: string | null;
  scope_chapter_id: string | null;
}

export function sessionUserFrom(row: SessionUserRow): SessionUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    chapterId: row.chapter_id,
    scopeChapterId: row.role === 'admin' ? row.scope_chapter_id : null,
  };
}

/** The signed-in person for a session, or undefined when the account is gone or deactivated. */
export async function findActiveSessionUser(
  manager: EntityManager,
  id: string,
): Promise<SessionUser | undefined> {
  // Runs on signed-in requests: one plain query instead of TypeORM's builder and hydration.
  const [row] = await manager.query<SessionUserRow[]>(
    `SELECT ${SESSION_USER_COLUMNS} FROM users WHERE id = $1 AND active`,
    [id],
  );
  return row ? sessionUserFrom(row) : undefined;
}

/** Serialises "make the first admin" and "is there still another admin" checks across processes. */
export async function lockAdminSet(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('organizer-academy:admins'))`);
}

export async function countActiveAdmins(manager: EntityManager): Promise<number> {
  return manager.count(User, { where: { role: 'admin', active: true } });
}

/** Active admins of the whole academy (not limited to a chapter): there must always be one. */
export async function countActiveAcademyAdmins(manager: EntityManager): Promise<number> {
  return manager.count(User, { where: { role: 'admin', active: true, scopeChapterId: IsNull() } });
}
