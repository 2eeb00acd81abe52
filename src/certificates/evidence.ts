import type { EntityManager } from 'typeorm';
import type { CurriculumTrack } from '../curriculum/curriculum.types';
import type { CredentialEvidence } from './credentials';
import { readTogether } from '../db/read-together';
import { acceptedIds, isMet, trackMilestoneIds, trackRequirements } from '../curriculum/requirements';
import { calendarDateIn } from '../web/time-zones';

interface CompletionRow {
  milestone_id: string;
  completed_at: Date;
  source: string;
  reviewer: string | null;
  reviewed_at: Date | null;
  workshop_title: string | null;
  time_zone: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  self_check_in: boolean | null;
  marked_by: string | null;
  marked_at: Date | null;
}

interface AttendedRow {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  self_check_in: boolean;
  marked_by: string | null;
  marked_at: Date;
}

/** A calendar date: in the workshop's own time zone when given, else in UTC as the credential's dates are written. */
function day(date: Date, zone?: string | null): string {
  return zone ? calendarDateIn(date, zone) : date.toISOString().slice(0, 10);
}

function span(startsAt: Date, endsAt: Date, zone?: string | null): string {
  const [start, end] = [day(startsAt, zone), day(endsAt, zone)];
  return start === end ? `on ${start}` : `from ${start} to ${end}`;
}

/** How presence was recorded: by the person with the room's code, or by the named facilitator. */
export function presenceText(row: {
  self_check_in: boolean | null;
  marked_by: string | null;
  marked_at: Date | null;
}): string {
  const when = row.marked_at ? ` on ${day(row.marked_at)}` : '';
  return row.self_check_in
    ? `checked in with the code shown in the room${when}`
    : `marked present by ${row.marked_by ?? 'a facilitator'}${when}`;
}

/** The sentence a milestone entry carries, from the source of its completion. */
export function milestoneText(row: CompletionRow, now = new Date()): string {
  if (row.source === 'coach' && row.reviewer && row.reviewed_at)
    return `Evidence reviewed and signed off by ${row.reviewer} on ${day(row.reviewed_at)}.`;
  if (row.source === 'workshop' && row.workshop_title && row.starts_at && row.ends_at && row.starts_at > now)
    return `Checked in for the workshop “${row.workshop_title}” before it started (${day(row.starts_at, row.time_zone)} to ${day(row.ends_at, row.time_zone)}): ${presenceText(row)}.`;
  if (row.source === 'workshop' && row.workshop_title && row.starts_at && row.ends_at)
    return `Completed through the workshop “${row.workshop_title}” (${day(row.starts_at, row.time_zone)} to ${day(row.ends_at, row.time_zone)}): ${presenceText(row)}.`;
  if (row.source === 'admin') return `Completed ${day(row.completed_at)}; recorded by a program admin.`;
  return `Completed ${day(row.completed_at)}.`;
}

/**
 * What a credential cites, each entry's text taken from its source: a coach sign-off names the
 * reviewer and the date; a workshop names itself, its dates and how presence was recorded (the
 * person's own check-in with the code, or the facilitator who marked them present). Workshops that
 * have not started yet are never cited as attended.
 */
export async function evidenceFor(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
  baseUrl: string,
): Promise<CredentialEvidence[]> {
  const milestoneIds = trackMilestoneIds(track);
  const now = new Date();
  const [completions, workshops] = await readTogether(
    manager,
    () =>
      manager.query<CompletionRow[]>(
        `SELECT c.milestone_id, c.completed_at, c.source,
                review.reviewer, review.reviewed_at,
                att.workshop_title, att.time_zone, att.starts_at, att.ends_at, att.self_check_in, att.marked_by, att.marked_at
           FROM milestone_completions c
           LEFT JOIN LATERAL (
             SELECT u.display_name AS reviewer, r.created_at AS reviewed_at
               FROM submission_reviews r
               JOIN evidence_submissions s ON s.id = r.submission_id
               JOIN users u ON u.id = r.reviewer_id
              WHERE c.source = 'coach' AND s.organizer_id = c.user_id AND s.milestone_id = c.milestone_id
                AND r.decision = 'approved' AND r.withdrawn_at IS NULL
              ORDER BY r.created_at DESC LIMIT 1) review ON true
           LEFT JOIN LATERAL (
             SELECT w.title AS workshop_title, w.time_zone, w.starts_at, w.ends_at, a.self_check_in,
                    u.display_name AS marked_by, a.marked_at
               FROM workshop_attendance a
               JOIN workshops w ON w.id = a.workshop_id
               LEFT JOIN users u ON u.id = a.marked_by_id
              WHERE c.source = 'workshop' AND a.user_id = c.user_id AND a.status = 'present'
                AND c.milestone_id = ANY(w.milestone_ids)
              ORDER BY a.marked_at DESC LIMIT 1) att ON true
          WHERE c.user_id = $1 AND c.milestone_id = ANY($2)
          ORDER BY c.completed_at, c.milestone_id`,
        [userId, milestoneIds],
      ),
    () =>
      manager.query<AttendedRow[]>(
        `SELECT w.id, w.title, w.starts_at, w.ends_at, w.time_zone, a.self_check_in,
                u.display_name AS marked_by, a.marked_at
           FROM workshop_attendance a
           JOIN workshops w ON w.id = a.workshop_id
           LEFT JOIN users u ON u.id = a.marked_by_id
          WHERE a.user_id = $1 AND a.status = 'present' AND w.milestone_ids && $2::text[]
            AND w.starts_at <= now()
          ORDER BY w.starts_at, w.id`,
        [userId, milestoneIds],
      ),
  );
  // A completion recorded under a replaced id is cited as the milestone that replaced it.
  const titles = new Map(
    track.modules.flatMap((module) =>
      module.milestones.flatMap((m) =>
        acceptedIds(m).map((id) => [
          id,
          // The milestone's own anchor on its module page: each evidence entry needs its own id.
          { title: m.title, url: `${baseUrl}/tracks/${track.id}/${module.id}#milestone-${m.id}` },
        ]),
      ),
    ),
  );
  return [
    ...completions.map((row): CredentialEvidence => ({
      kind: 'milestone',
      name: titles.get(row.milestone_id)?.title ?? row.milestone_id,
      url: titles.get(row.milestone_id)?.url,
      completedAt: row.completed_at,
      approvedBy: row.reviewer ?? (row.source === 'workshop' ? 'workshop attendance' : 'a program admin'),
      description: milestoneText(row, now),
    })),
    ...workshops.map((row): CredentialEvidence => ({
      kind: 'workshop',
      name: row.title,
      url: `${baseUrl}/workshops/${row.id}`,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      timeZone: row.time_zone,
      description: `Attended ${span(row.starts_at, row.ends_at, row.time_zone)}; ${presenceText(row)}.`,
    })),
  ];
}

/** Requirements of the track the person has not met yet (titles of the milestones they are named after). */
export async function missingMilestones(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
): Promise<string[]> {
  const rows = await manager.query<{ milestone_id: string }[]>(
    'SELECT milestone_id FROM milestone_completions WHERE user_id = $1 AND milestone_id = ANY($2)',
    [userId, trackMilestoneIds(track)],
  );
  const done = new Set(rows.map((r) => r.milestone_id));
  return trackRequirements(track)
    .filter((requirement) => !isMet(requirement, done))
    .map((requirement) => requirement.milestone.title);
}
