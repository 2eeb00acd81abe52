import { requirementIndex } from '../curriculum/requirements';
import type { EntityManager } from 'typeorm';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { Curriculum, CurriculumTrack } from '../curriculum/curriculum.types';
import { NotFound } from '../web/errors';
import { countsPerWeek } from './report-counts';
import { funnelGroups } from './report-funnel';
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
   * Invited → active (signed in on or after the day 30 days ago) → first milestone → half the track
   * → certified, from the per-group counts kept by triggers (see report-funnel.ts).
   */
  async funnel(manager: EntityManager, f: ReportFilter & { track: CurriculumTrack }) {
    const rows = await funnelGroups(manager, f, f.track.id, requirementIndex(f.track).total);
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
   * Organizers without activity for STALLED_AFTER_DAYS who are not certified on the filter's track,
   * longest silent first, 100 rows. Reads a page of the kept stalled candidates (see the
   * StalledCandidates migration) in index order: one index per filter shape, nothing discarded.
   */
  async stalled(manager: EntityManager, f: ReportFilter & { track: CurriculumTrack }) {
    const keys = [...(f.chapterId ? ['chapter_key'] : []), ...(f.cohortId ? ['cohort_key'] : [])] as const;
    const filters = keys.map((key, i) => `AND s.${key} = $${i + 3}`).join(' ');
    const groups = [f.chapterId, f.cohortId].filter((id): id is string => id !== null);
    return manager.query<{ id: string; name: string; coach: string | null; last_activity: Date | null }[]>(
      `SELECT s.user_id AS id, s.name, NULLIF(s.silent_since, '-infinity') AS last_activity,
              (SELECT cu.display_name FROM coach_assignments ca JOIN users cu ON cu.id = ca.coach_id
                WHERE ca.organizer_id = s.user_id AND ca.ended_at IS NULL) AS coach
         FROM report_stalled s
        WHERE s.track_id = (SELECT coalesce(max(track_id), '') FROM report_stalled_tracks WHERE track_id = $1)
          ${filters} AND s.silent_since < now() - make_interval(days => $2)
        ORDER BY s.silent_since, s.name LIMIT 100`,
      [f.track.id, this.stalledAfterDays, ...groups],
    );
  }
}

function dayAfter(date: Date): Date {
  return new Date(date.getTime() + 86_400_000);
}
