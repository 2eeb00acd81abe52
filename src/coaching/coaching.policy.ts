import type { EntityManager } from 'typeorm';
import { assertInScope, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { Forbidden, NotSignedIn } from '../web/errors';
import { CoachAssignment } from './coaching.entities';

export type OrganizerAccess = 'admin' | 'coach' | 'former-coach' | 'self';

/**
 * How `actor` may see an organizer's coaching record: the person their own (whatever their role,
 * so nobody acts on their own record as reviewer), admins and the current coach fully, former
 * coaches read-only. Throws Forbidden for anyone else.
 */
export async function organizerAccess(
  manager: EntityManager,
  actor: SessionUser | undefined,
  organizerId: string,
): Promise<OrganizerAccess> {
  if (!actor) throw new NotSignedIn();
  // Asked first, for every role: an admin or coach looking at their own record is its subject.
  if (actor.id === organizerId) return 'self';
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

export interface CoachingPeriod {
  from: Date;
  /** null while the assignment lasts. */
  to: Date | null;
}

/** When `coachId` coached `organizerId` (every assignment, ended or not). */
export async function coachingPeriods(
  manager: EntityManager,
  coachId: string,
  organizerId: string,
): Promise<CoachingPeriod[]> {
  const assignments = await manager.find(CoachAssignment, { where: { organizerId, coachId } });
  return assignments.map((a) => ({ from: a.startedAt, to: a.endedAt }));
}

/** True when `at` falls in one of the periods. */
export function duringPeriods(periods: CoachingPeriod[], at: Date): boolean {
  return periods.some((p) => at >= p.from && (p.to === null || at <= p.to));
}

/**
 * For a former coach, a filter keeping only what was submitted (or held) while they coached;
 * for everyone else, a filter that keeps everything.
 */
export async function visibleToFormerCoach(
  manager: EntityManager,
  access: OrganizerAccess,
  actor: SessionUser | undefined,
  organizerId: string,
): Promise<(at: Date) => boolean> {
  if (access !== 'former-coach' || !actor) return () => true;
  const periods = await coachingPeriods(manager, actor.id, organizerId);
  return (at) => duringPeriods(periods, at);
}
