import type { EntityManager } from 'typeorm';
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

/** The signed-in person for a session, or undefined when the account is gone or deactivated. */
export async function findActiveSessionUser(
  manager: EntityManager,
  id: string,
): Promise<SessionUser | undefined> {
  const user = await manager.findOne(User, { where: { id, active: true } });
  return user ? toSessionUser(user) : undefined;
}

/** Serialises "make the first admin" and "is there still another admin" checks across processes. */
export async function lockAdminSet(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('organizer-academy:admins'))`);
}

export async function countActiveAdmins(manager: EntityManager): Promise<number> {
  return manager.count(User, { where: { role: 'admin', active: true } });
}
