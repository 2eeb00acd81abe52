import type { EntityManager } from 'typeorm';
import type { CurriculumTrack } from '../curriculum/curriculum.types';
import type { CredentialEvidence } from './credentials';
import { readTogether } from '../db/read-together';

/**
 * What a credential cites: each completed milestone of the track (when, and who approved it) and
 * each workshop attended that counts toward it (with its dates).
 */
export async function evidenceFor(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
  baseUrl: string,
): Promise<CredentialEvidence[]> {
  const milestoneIds = track.modules.flatMap((m) => m.milestones.map((milestone) => milestone.id));
  const [completions, workshops] = await readTogether(
    manager,
    () =>
      manager.query<{ milestone_id: string; completed_at: Date; source: string; approver: string | null }[]>(
        `SELECT c.milestone_id, c.completed_at, c.source,
              CASE c.source
                WHEN 'coach' THEN (SELECT u.display_name FROM submission_reviews r
                                     JOIN evidence_submissions s ON s.id = r.submission_id
                                     JOIN users u ON u.id = r.reviewer_id
                                    WHERE s.organizer_id = c.user_id AND s.milestone_id = c.milestone_id
                                      AND r.decision = 'approved'
                                    ORDER BY r.created_at DESC LIMIT 1)
                WHEN 'workshop' THEN (SELECT CASE WHEN a.self_check_in THEN 'checked in with the workshop code'
                                                  ELSE u.display_name END
                                        FROM workshop_attendance a
                                        JOIN workshops w ON w.id = a.workshop_id
                                        JOIN users u ON u.id = a.marked_by_id
                                       WHERE a.user_id = c.user_id AND a.status = 'present'
                                         AND c.milestone_id = ANY(w.milestone_ids)
                                       ORDER BY a.marked_at DESC LIMIT 1)
              END AS approver
         FROM milestone_completions c
        WHERE c.user_id = $1 AND c.milestone_id = ANY($2)
        ORDER BY c.completed_at, c.milestone_id`,
        [userId, milestoneIds],
      ),
    () =>
      manager.query<{ id: string; title: string; starts_at: Date; ends_at: Date; time_zone: string }[]>(
        `SELECT w.id, w.title, w.starts_at, w.ends_at, w.time_zone
         FROM workshop_attendance a JOIN workshops w ON w.id = a.workshop_id
        WHERE a.user_id = $1 AND a.status = 'present' AND w.milestone_ids && $2::text[]
        ORDER BY w.starts_at, w.id`,
        [userId, milestoneIds],
      ),
  );
  const titles = new Map(
    track.modules.flatMap((module) =>
      module.milestones.map((m) => [
        m.id,
        { title: m.title, url: `${baseUrl}/tracks/${track.id}/${module.id}` },
      ]),
    ),
  );
  const approvedBy = (source: string, approver: string | null) =>
    approver ??
    (source === 'admin' ? 'a program admin' : source === 'workshop' ? 'workshop attendance' : 'a coach');
  return [
    ...completions.map((row): CredentialEvidence => ({
      kind: 'milestone',
      name: titles.get(row.milestone_id)?.title ?? row.milestone_id,
      url: titles.get(row.milestone_id)?.url,
      completedAt: row.completed_at,
      approvedBy: approvedBy(row.source, row.approver),
    })),
    ...workshops.map((row): CredentialEvidence => ({
      kind: 'workshop',
      name: row.title,
      url: `${baseUrl}/workshops/${row.id}`,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      timeZone: row.time_zone,
    })),
  ];
}

/** Milestones of the track the person has not completed yet. */
export async function missingMilestones(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
): Promise<string[]> {
  const all = track.modules.flatMap((m) => m.milestones);
  const rows = await manager.query<{ milestone_id: string }[]>(
    'SELECT milestone_id FROM milestone_completions WHERE user_id = $1 AND milestone_id = ANY($2)',
    [userId, all.map((m) => m.id)],
  );
  const done = new Set(rows.map((r) => r.milestone_id));
  return all.filter((m) => !done.has(m.id)).map((m) => m.title);
}
