import { requirementIndex } from '../curriculum/requirements';
import type { EntityManager } from 'typeorm';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { Curriculum, CurriculumTrack } from '../curriculum/curriculum.types';
import { NotFound } from '../web/errors';
import { countsPerWeek } from './report-counts';
import { BUCKET_BOUNDS, medianOf, turnaroundHistograms } from './turnaround';

export interface ReportFilter {
  chapterId: string | null;
  cohortId: string | null;
  trackId: string | null;
  /** Inclusive day range (UTC) for the time-based numbers. */
  from: Date;
  to: Date;
}

export const FUNNEL_STEPS = ['invited', 'active', 'firstMilestone', 'halfTrack', 'certified'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];
export type Funnel = Record<FunnelStep, number>;

export interface FunnelRow {
  key: string | null;
  name: string;
  funnel: Funnel;
}

/** A share, or null when there is nothing to divide by (shown as "—", never NaN). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const EMPTY_FUNNEL: Funnel = { invited: 0, active: 0, firstMilestone: 0, halfTrack: 0, certified: 0 };

function addFunnels(a: Funnel, b: Funnel): Funnel {
  return Object.fromEntries(FUNNEL_STEPS.map((s) => [s, a[s] + b[s]])) as Funnel;
}

/** Monday (UTC) of the week containing `date`, as YYYY-MM-DD; PostgreSQL's date_trunc('week') agrees. */
export function weekOf(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

export function weeksBetween(from: Date, to: Date): string[] {
  const weeks: string[] = [];
  for (let d = new Date(`${weekOf(from)}T00:00:00Z`); d <= to; d.setUTCDate(d.getUTCDate() + 7))
    weeks.push(d.toISOString().slice(0, 10));
  return weeks;
}

/**
 * The admin's view of the program, computed in SQL over the filtered population (organizers of a
 * chapter and/or cohort). Chapter-scoped admins always get their own chapter.
 */
export class ReportsService {
  constructor(
    private readonly curriculum: () => Curriculum,
    readonly stalledAfterDays: number,
  ) {}

  /** The filter as the actor may use it: a chapter-scoped admin is pinned to their chapter. */
  effectiveFilter(
    actor: SessionUser | undefined,
    filter: ReportFilter,
  ): ReportFilter & { track: CurriculumTrack } {
    const admin = assertAdmin(actor);
    const scope = scopeOf(admin);
    const track = filter.trackId
      ? this.curriculum().trackById.get(filter.trackId)
      : this.curriculum().tracks[0];
    if (!track) throw new NotFound('There is no such track.');
    return { ...filter, chapterId: scope ?? filter.chapterId, track };
  }

  /**
   * Invited → active (signed in within 30 days) → first milestone → half the track → certified.
   * Progress comes from the per-person summary (progress_tracks), one indexed row per organizer.
   */
  async funnel(manager: EntityManager, f: ReportFilter & { track: CurriculumTrack }) {
    const milestones = requirementIndex(f.track).total;
    const rows = await manager.query<
      {
        chapter_id: string | null;
        chapter: string | null;
        cohort_id: string | null;
        cohort: string | null;
        accounts: number;
        pending: number;
        active: number;
        first: number;
        half: number;
        certified: number;
      }[]
    >(
      `WITH groups AS (
         SELECT u.chapter_id, u.cohort_id, count(*)::int AS accounts, 0 AS pending,
                count(*) FILTER (WHERE u.last_login_at >= now() - interval '30 days')::int AS active,
                count(*) FILTER (WHERE t.completed >= 1)::int AS first,
                count(*) FILTER (WHERE t.completed * 2 >= $4)::int AS half,
                count(*) FILTER (WHERE t.certified)::int AS certified
           FROM users u LEFT JOIN progress_tracks t ON t.user_id = u.id AND t.track_id = $3
          WHERE u.role = 'organizer' AND ($1::uuid IS NULL OR u.chapter_id = $1) AND ($2::uuid IS NULL OR u.cohort_id = $2)
          GROUP BY u.chapter_id, u.cohort_id
         UNION ALL
         SELECT chapter_id, cohort_id, 0, count(*)::int, 0, 0, 0, 0 FROM invites
          WHERE role = 'organizer' AND accepted_at IS NULL AND revoked_at IS NULL
            AND ($1::uuid IS NULL OR chapter_id = $1) AND ($2::uuid IS NULL OR cohort_id = $2)
          GROUP BY chapter_id, cohort_id)
       SELECT g.chapter_id, ch.name AS chapter, g.cohort_id, co.name AS cohort,
              sum(accounts)::int AS accounts, sum(pending)::int AS pending, sum(active)::int AS active,
              sum(first)::int AS first, sum(half)::int AS half, sum(g.certified)::int AS certified
         FROM groups g LEFT JOIN chapters ch ON ch.id = g.chapter_id LEFT JOIN cohorts co ON co.id = g.cohort_id
        GROUP BY g.chapter_id, ch.name, g.cohort_id, co.name`,
      [f.chapterId, f.cohortId, f.track.id, milestones],
    );
    const toFunnel = (r: (typeof rows)[number]): Funnel => ({
      invited: r.accounts + r.pending,
      active: r.active,
      firstMilestone: r.first,
      halfTrack: r.half,
      certified: r.certified,
    });
    const group = (key: (r: (typeof rows)[number]) => [string | null, string]): FunnelRow[] => {
      const map = new Map<string | null, FunnelRow>();
      for (const r of rows) {
        const [id, name] = key(r);
        const row = map.get(id) ?? { key: id, name, funnel: EMPTY_FUNNEL };
        map.set(id, { ...row, funnel: addFunnels(row.funnel, toFunnel(r)) });
      }
      return [...map.values()].sort((a, b) => a.name.localeCompare(b.name));
    };
    return {
      overall: rows.map(toFunnel).reduce(addFunnels, EMPTY_FUNNEL),
      byChapter: group((r) => [r.chapter_id, r.chapter ?? 'No chapter']),
      byCohort: group((r) => [r.cohort_id, r.cohort ?? 'No cohort']),
    };
  }

  /** Milestones completed per week by the filter's organizers (from the report counts). */
  async milestonesPerWeek(manager: EntityManager, f: ReportFilter) {
    const counts = await countsPerWeek(manager, f, ['completions']);
    return weeksBetween(f.from, f.to).map((week) => ({
      week,
      completed: counts.get(`${week} completions`) ?? 0,
    }));
  }

  /**
   * Median hours from submission to review, overall and per coach (reviews made in the range of
   * the filter's organizers' evidence), from the kept turnaround histograms: exact to within one
   * hour bucket (see `medianOf` in ./turnaround).
   */
  async reviewTurnaround(manager: EntityManager, f: ReportFilter) {
    const coaches = await turnaroundHistograms(manager, f, f.from, dayAfter(f.to));
    const total = BUCKET_BOUNDS.map((_, k) => coaches.reduce((sum, c) => sum + c.counts[k], 0));
    const reviews = (counts: number[]) => counts.reduce((sum, c) => sum + c, 0);
    return {
      overall: { reviews: reviews(total), medianHours: medianOf(total) },
      perCoach: coaches
        .map((c) => ({ coach: c.coach, reviews: reviews(c.counts), medianHours: medianOf(c.counts)! }))
        .sort((a, b) => b.medianHours - a.medianHours),
    };
  }

  /** Each active coach's current organizers against their capacity (from the kept coach loads). */
  async coachLoad(manager: EntityManager, f: ReportFilter) {
    const rows = await manager.query<{ coach: string; organizers: number; capacity: number }[]>(
      `SELECT display_name AS coach, capacity, active AS organizers FROM coach_loads
        WHERE ($1::uuid IS NULL OR chapter_id = $1)
        ORDER BY active DESC, display_name LIMIT 100`,
      [f.chapterId],
    );
    return rows.map((r) => ({ ...r, load: rate(r.organizers, r.capacity) }));
  }

  /** Workshops starting in the range: seats taken / capacity, and registered people who came. */
  async workshops(manager: EntityManager, f: ReportFilter) {
    const rows = await manager.query<
      {
        id: string;
        title: string;
        starts_at: Date;
        capacity: number;
        registered: number;
        attended: number;
        walk_ins: number;
      }[]
    >(
      `SELECT w.id, w.title, w.starts_at, w.capacity,
              (SELECT count(*)::int FROM workshop_registrations r WHERE r.workshop_id = w.id AND r.status = 'registered') AS registered,
              (SELECT count(*)::int FROM workshop_attendance a WHERE a.workshop_id = w.id AND a.status = 'present' AND NOT a.walk_in) AS attended,
              (SELECT count(*)::int FROM workshop_attendance a WHERE a.workshop_id = w.id AND a.status = 'present' AND a.walk_in) AS walk_ins
         FROM workshops w
        WHERE w.cancelled_at IS NULL AND w.starts_at >= $2 AND w.starts_at < $3
          AND ($1::uuid IS NULL OR w.chapter_id = $1)
        ORDER BY w.starts_at DESC LIMIT 200`,
      [f.chapterId, f.from, dayAfter(f.to)],
    );
    const totals = rows.reduce(
      (t, r) => ({
        capacity: t.capacity + r.capacity,
        registered: t.registered + r.registered,
        attended: t.attended + r.attended,
      }),
      { capacity: 0, registered: 0, attended: 0 },
    );
    return {
      count: rows.length,
      fillRate: rate(totals.registered, totals.capacity),
      attendanceRate: rate(totals.attended, totals.registered),
      rows: rows.map((r) => ({
        ...r,
        fillRate: rate(r.registered, r.capacity),
        attendanceRate: rate(r.attended, r.registered),
      })),
    };
  }

  /** Certificates issued, revoked and verified per week, for the population's holders (from the report counts). */
  async certificatesPerWeek(manager: EntityManager, f: ReportFilter) {
    const counts = await countsPerWeek(manager, f, ['issued', 'revoked', 'verified']);
    return weeksBetween(f.from, f.to).map((week) => ({
      week,
      issued: counts.get(`${week} issued`) ?? 0,
      revoked: counts.get(`${week} revoked`) ?? 0,
      verified: counts.get(`${week} verified`) ?? 0,
    }));
  }

  /**
   * Organizers without activity for STALLED_AFTER_DAYS who are not certified, longest silent first.
   * Latest activity comes from the per-person summary (progress_people), walked in its index order.
   */
  async stalled(manager: EntityManager, f: ReportFilter & { track: CurriculumTrack }) {
    return manager.query<{ id: string; name: string; coach: string | null; last_activity: Date | null }[]>(
      `SELECT u.id, u.display_name AS name, a.last_activity_at AS last_activity,
              (SELECT cu.display_name FROM coach_assignments ca JOIN users cu ON cu.id = ca.coach_id
                WHERE ca.organizer_id = u.id AND ca.ended_at IS NULL) AS coach
         FROM progress_people a JOIN users u ON u.id = a.user_id
        WHERE u.role = 'organizer' AND u.active
          AND ($1::uuid IS NULL OR u.chapter_id = $1) AND ($2::uuid IS NULL OR u.cohort_id = $2)
          AND (a.last_activity_at IS NULL OR a.last_activity_at < now() - make_interval(days => $4))
          AND NOT EXISTS (SELECT 1 FROM progress_tracks t WHERE t.user_id = u.id AND t.track_id = $3 AND t.certified)
        ORDER BY a.last_activity_at ASC NULLS FIRST, u.display_name LIMIT 100`,
      [f.chapterId, f.cohortId, f.track.id, this.stalledAfterDays],
    );
  }
}

function dayAfter(date: Date): Date {
  return new Date(date.getTime() + 86_400_000);
}
