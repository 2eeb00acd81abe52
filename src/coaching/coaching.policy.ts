import type { EntityManager } from 'typeorm';
import { assertInScope, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { Forbidden, NotSignedIn } from '../web/errors';
import { CoachAssignment } from './coaching.entities';

export type OrganizerAccess = 'admin' | 'coach' | 'former-coach' | 'self';

/**
 * How `actor` may see an organizer's coaching record: admins and the current coach fully, former
 * coaches read-only, the organizer their own. Throws Forbidden for anyone else.
 */
export async function organizerAccess(
  manager: EntityManager,
  actor: SessionUser | undefined,
  organizerId: string,
): Promise<OrganizerAccess> {
  if (!actor) throw new NotSignedIn();
  if (actor.role === 'admin') {
    if (scopeOf(actor)) {
      const organizer = await manager.findOne(User, {
        where: { id: organizerId },
        select: { chapterId: true },
      });
      assertInScope(actor, organizer?.chapterId, 'That organizer');
    }
    return 'admin';
  }
  if (actor.id === organizerId) return 'self';
  if (actor.role === 'coach') {
    const assignments = await manager.find(CoachAssignment, { where: { organizerId, coachId: actor.id } });
    if (assignments.some((a) => a.endedAt === null)) return 'coach';
    if (assignments.length) return 'former-coach';
  }
  throw new Forbidden('You can only see organizers assigned to you.');
}

/** Only the current coach or an admin may review, and never one's own evidence. */
export async function assertCanReview(
  manager: EntityManager,
  actor: SessionUser | undefined,
  organizerId: string,
): Promise<SessionUser> {
  const access = await organizerAccess(manager, actor, organizerId);
  if (access === 'self') throw new Forbidden('You cannot review your own evidence.');
  if (access === 'former-coach')
    throw new Forbidden('You no longer coach this organizer; their record is read-only for you.');
  return actor!;
}
