import type { SessionUser } from '../accounts/session-user';
import type { CircleKind } from './circle.entities';

/** What the access rules need to know about one circle and the person asking. */
export interface CircleAccessFacts {
  kind: CircleKind;
  /** The chapter the circle belongs to: its own, or its cohort's; null for topic and academy circles. */
  owningChapterId: string | null;
  /** The person is a member: by chapter, by cohort, by joining a topic circle, or (academy) by being active. */
  member: boolean;
}

/**
 * Hosts moderate a circle: academy admins everywhere; chapter-scoped admins and the chapter's coaches
 * in that chapter's chapter and cohort circles.
 */
export function isHost(actor: SessionUser, facts: CircleAccessFacts): boolean {
  if (actor.role === 'admin') return !actor.scopeChapterId || actor.scopeChapterId === facts.owningChapterId;
  return actor.role === 'coach' && !!facts.owningChapterId && actor.chapterId === facts.owningChapterId;
}

/** Circle content is visible to its members and its hosts only. */
export function canSee(actor: SessionUser, facts: CircleAccessFacts): boolean {
  return facts.member || isHost(actor, facts);
}
