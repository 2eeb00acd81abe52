import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { Notification } from '../notifications/notification.entities';
import { SubmissionReview } from './coaching.entities';

/**
 * "Mark all read" under "Feedback waiting for you": every review of the actor's evidence counts as
 * read, and so do their feedback notifications. Returns how many reviews changed.
 */
export async function markAllFeedbackRead(
  manager: EntityManager,
  actor: SessionUser | undefined,
): Promise<number> {
  const organizer = assertSignedIn(actor);
  const result = await manager
    .createQueryBuilder()
    .update(SubmissionReview)
    .set({ readByOrganizerAt: () => 'now()' })
    .where(
      'read_by_organizer_at IS NULL AND submission_id IN (SELECT id FROM evidence_submissions WHERE organizer_id = :id)',
      { id: organizer.id },
    )
    .execute();
  await manager
    .createQueryBuilder()
    .update(Notification)
    .set({ readAt: () => 'now()' })
    .where(`user_id = :id AND kind = 'feedback' AND read_at IS NULL`, { id: organizer.id })
    .execute();
  return result.affected ?? 0;
}
