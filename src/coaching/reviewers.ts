import type { EntityManager } from 'typeorm';
import { scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';

export interface Reviewer {
  id: string;
  email: string;
  displayName: string;
  /** 'coach' for the person's current coach, 'admin' for an admin who may review instead. */
  as: 'coach' | 'admin';
}

/**
 * Who may review evidence submitted by `submitterId`: their current coach if they have one, else
 * every active admin other than the submitter whose scope covers the submitter's chapter. Empty
 * when nobody else can: then the evidence waits (and the pages say so).
 */
export async function reviewersFor(manager: EntityManager, submitterId: string): Promise<Reviewer[]> {
  const rows = await manager.query<
    { id: string; email: string; display_name: string; as: 'coach' | 'admin' }[]
  >(
    `WITH coach AS (
       SELECT u.id, u.email, u.display_name, 'coach' AS as
         FROM coach_assignments a JOIN users u ON u.id = a.coach_id
        WHERE a.organizer_id = $1 AND a.ended_at IS NULL AND u.active AND u.id <> $1)
     SELECT * FROM coach
     UNION ALL
     SELECT u.id, u.email, u.display_name, 'admin'
       FROM users u, users s
      WHERE s.id = $1 AND NOT EXISTS (SELECT 1 FROM coach)
        AND u.role = 'admin' AND u.active AND u.id <> $1
        AND (u.scope_chapter_id IS NULL OR u.scope_chapter_id = s.chapter_id)
      ORDER BY display_name`,
    [submitterId],
  );
  return rows.map((r) => ({ id: r.id, email: r.email, displayName: r.display_name, as: r.as }));
}

export interface WaitingEvidence {
  id: string;
  milestoneId: string;
  submittedAt: Date;
  submitterName: string;
}

/** Evidence waiting for an admin listed at once, oldest first. */
export const WAITING_SHOWN = 100;

/**
 * Evidence waiting for review from people without a coach (admins, coaches, organizers not yet
 * assigned), that `admin` may review: in their scope and never their own; the oldest WAITING_SHOWN.
 * Read from `evidence_waiting_for_admin`, which triggers keep, by index in age order (per chapter
 * for a chapter-scoped admin): the cost is the rows shown, however much evidence is pending.
 */
export async function waitingForAnAdmin(
  manager: EntityManager,
  admin: SessionUser,
): Promise<WaitingEvidence[]> {
  const scope = scopeOf(admin);
  const rows = await manager.query<
    { id: string; milestone_id: string; submitted_at: Date; submitter_name: string }[]
  >(
    `SELECT w.submission_id AS id, s.milestone_id, w.submitted_at,
            (SELECT u.display_name FROM users u WHERE u.id = w.organizer_id) AS submitter_name
       FROM (SELECT submission_id, organizer_id, submitted_at FROM evidence_waiting_for_admin
              WHERE organizer_id <> $1 ${scope ? 'AND chapter_id = $2' : ''}
              ORDER BY submitted_at, submission_id LIMIT ${WAITING_SHOWN}) w
       JOIN evidence_submissions s ON s.id = w.submission_id
      ORDER BY w.submitted_at, w.submission_id`,
    scope ? [admin.id, scope] : [admin.id],
  );
  return rows.map((r) => ({
    id: r.id,
    milestoneId: r.milestone_id,
    submittedAt: r.submitted_at,
    submitterName: r.submitter_name,
  }));
}
