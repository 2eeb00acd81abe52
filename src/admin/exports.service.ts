import { requirementIndex } from '../curriculum/requirements';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { CurriculumTrack } from '../curriculum/curriculum.types';
import type { CsvExport } from '../web/csv-stream';

export const EXPORTS = ['people', 'submissions', 'attendance', 'certificates'] as const;
export type ExportName = (typeof EXPORTS)[number];

export interface ExportFilter {
  chapterId: string | null;
  cohortId: string | null;
}

const iso = (value: Date | null) => (value ? value.toISOString() : '');

/** The organizers (and for people, everyone) an export covers: a chapter and/or cohort. */
const PEOPLE = `SELECT u.* FROM users u WHERE ($1::uuid IS NULL OR u.chapter_id = $1) AND ($2::uuid IS NULL OR u.cohort_id = $2)`;

/**
 * CSV exports as queries, streamed by streamCsv. A chapter-scoped admin's exports are pinned to
 * their chapter here, whatever the URL says.
 */
export class ExportsService {
  constructor(private readonly baseUrl: string) {}

  build(
    actor: SessionUser | undefined,
    name: ExportName,
    filter: ExportFilter,
    track: CurriculumTrack,
  ): CsvExport<Record<string, unknown>> {
    const scope = scopeOf(assertAdmin(actor));
    const params = [scope ?? filter.chapterId, filter.cohortId];
    const day = new Date().toISOString().slice(0, 10);
    const builders: Record<ExportName, () => CsvExport<Record<string, never>>> = {
      people: () => ({
        filename: `people-${day}.csv`,
        header: [
          'name',
          'email',
          'role',
          'chapter',
          'cohort',
          'coach',
          'active',
          'joined',
          'last sign-in',
          `milestones completed (${track.title})`,
          'milestones in track',
          'certified',
        ],
        sql: `WITH people AS (${PEOPLE})
              SELECT p.display_name, p.email, p.role, ch.name AS chapter, co.name AS cohort, p.active, p.created_at,
                     p.last_login_at,
                     (SELECT cu.display_name FROM coach_assignments ca JOIN users cu ON cu.id = ca.coach_id
                       WHERE ca.organizer_id = p.id AND ca.ended_at IS NULL) AS coach,
                     (SELECT count(DISTINCT r.idx)::int FROM milestone_completions mc
                        JOIN unnest($3::text[], $5::int[]) AS r(id, idx) ON r.id = mc.milestone_id
                       WHERE mc.user_id = p.id) AS completed,
                     EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = p.id AND ce.track_id = $4
                               AND ce.superseded_at IS NULL AND ce.revoked_at IS NULL) AS certified
                FROM people p LEFT JOIN chapters ch ON ch.id = p.chapter_id LEFT JOIN cohorts co ON co.id = p.cohort_id
               ORDER BY p.display_name, p.id`,
        params: [...params, requirementIndex(track).ids, track.id, requirementIndex(track).indexes],
        cells: (r: Record<string, never>) => [
          r.display_name,
          r.email,
          r.role,
          r.chapter,
          r.cohort,
          r.coach,
          r.active ? 'yes' : 'no',
          iso(r.created_at),
          iso(r.last_login_at),
          r.completed,
          requirementIndex(track).total,
          r.certified ? 'yes' : 'no',
        ],
      }),
      submissions: () => ({
        filename: `submissions-${day}.csv`,
        header: [
          'organizer',
          'email',
          'chapter',
          'milestone',
          'attempt',
          'status',
          'submitted at',
          'reviewer',
          'decision',
          'reviewed at',
          'hours to review',
          'feedback',
        ],
        sql: `WITH people AS (${PEOPLE})
              SELECT p.display_name, p.email, ch.name AS chapter, s.milestone_id, s.attempt, s.status, s.submitted_at,
                     ru.display_name AS reviewer, r.decision, r.created_at AS reviewed_at, r.feedback
                FROM evidence_submissions s JOIN people p ON p.id = s.organizer_id
                LEFT JOIN chapters ch ON ch.id = p.chapter_id
                LEFT JOIN submission_reviews r ON r.submission_id = s.id
                LEFT JOIN users ru ON ru.id = r.reviewer_id
               ORDER BY s.submitted_at, s.id, r.created_at`,
        params,
        cells: (r: Record<string, never>) => [
          r.display_name,
          r.email,
          r.chapter,
          r.milestone_id,
          r.attempt,
          r.status,
          iso(r.submitted_at),
          r.reviewer,
          r.decision,
          iso(r.reviewed_at),
          r.reviewed_at
            ? ((new Date(r.reviewed_at).getTime() - new Date(r.submitted_at).getTime()) / 3_600_000).toFixed(
                1,
              )
            : '',
          r.feedback,
        ],
      }),
      attendance: () => ({
        filename: `attendance-${day}.csv`,
        header: [
          'workshop',
          'starts at',
          'minutes',
          'person',
          'email',
          'chapter',
          'status',
          'walk-in',
          'check-in time',
        ],
        sql: `WITH people AS (${PEOPLE})
              SELECT w.title, w.starts_at, w.ends_at, p.display_name, p.email, ch.name AS chapter, a.status, a.walk_in,
                     a.checked_in_at
                FROM workshop_attendance a JOIN people p ON p.id = a.user_id JOIN workshops w ON w.id = a.workshop_id
                LEFT JOIN chapters ch ON ch.id = p.chapter_id
               ORDER BY w.starts_at, w.id, p.display_name`,
        params,
        cells: (r: Record<string, never>) => [
          r.title,
          iso(r.starts_at),
          Math.round((new Date(r.ends_at).getTime() - new Date(r.starts_at).getTime()) / 60_000),
          r.display_name,
          r.email,
          r.chapter,
          r.status,
          r.walk_in ? 'yes' : 'no',
          iso(r.checked_in_at),
        ],
      }),
      certificates: () => ({
        filename: `certificates-${day}.csv`,
        header: [
          'holder',
          'email',
          'chapter',
          'track',
          'url',
          'awarded',
          'issued',
          'valid until',
          'status',
          'revoked reason',
          'hidden',
          'verifications',
        ],
        sql: `WITH people AS (${PEOPLE})
              SELECT p.display_name, p.email, ch.name AS chapter, ce.track_id, ce.code, ce.awarded_at, ce.issued_at,
                     ce.valid_until, ce.revoked_at, ce.revoked_reason, ce.superseded_at, ce.hidden,
                     (SELECT coalesce(sum(v.count), 0)::int FROM certificate_verifications v WHERE v.certificate_id = ce.id) AS verifications
                FROM certificates ce JOIN people p ON p.id = ce.user_id LEFT JOIN chapters ch ON ch.id = p.chapter_id
               ORDER BY ce.issued_at, ce.id`,
        params,
        cells: (r: Record<string, never>) => [
          r.display_name,
          r.email,
          r.chapter,
          r.track_id,
          `${this.baseUrl}/c/${String(r.code)}`,
          iso(r.awarded_at),
          iso(r.issued_at),
          iso(r.valid_until),
          r.revoked_at
            ? 'revoked'
            : r.superseded_at
              ? 'superseded'
              : r.valid_until && new Date(r.valid_until) <= new Date()
                ? 'expired'
                : 'valid',
          r.revoked_reason,
          r.hidden ? 'yes' : 'no',
          r.verifications,
        ],
      }),
    };
    return builders[name]() as CsvExport<Record<string, unknown>>;
  }
}
