import type { EntityManager } from 'typeorm';
import { rate } from '../admin/reports.service';

/** The report's filter as far as gatherings go: one chapter (null: all) and an inclusive day range. */
export interface GatheringReportFilter {
  chapterId: string | null;
  from: Date;
  to: Date;
}

export interface GatheringRow {
  id: string;
  title: string;
  kind: string;
  startsAt: Date;
  said_yes: number;
  came: number;
  walk_ins: number;
}

export interface GatheringFigures {
  /** Gatherings held: not cancelled, started by now, starting in the range. */
  held: number;
  /** Distinct people marked present at those gatherings. */
  attendees: number;
  /** Present marks at those gatherings (one person at three gatherings counts three). */
  attendances: number;
  /** Attendees who came to another gathering (same scope) within 30 / 90 days after one in the range. */
  returning30: number;
  returning90: number;
  /** Attendees whose first gathering ever (same scope) is in the range; and those who came again within 90 days. */
  newcomers: number;
  retained: number;
}

/** The "Gatherings" section of the reports page. */
export interface GatheringReport extends GatheringFigures {
  perAttendee: number | null;
  returning30Rate: number | null;
  returning90Rate: number | null;
  retainedRate: number | null;
  /** Most recent first, at most 200. */
  rows: GatheringRow[];
}

export const GATHERING_ROWS_LIMIT = 200;
const DAY_MS = 86_400_000;

/**
 * Who shows up, who comes back, and which newcomers stay, from gathering attendance. Two bounded
 * queries: gatherings are found through their (chapter, start) or (start) index within the range
 * (at most three years), and attendees' other visits through attendance's (person) index. Kept
 * apart from ReportsService so it never competes with the learner figures' summaries.
 */
export class GatheringReports {
  async section(manager: EntityManager, f: GatheringReportFilter): Promise<GatheringReport> {
    const params = [f.chapterId, f.from, new Date(f.to.getTime() + DAY_MS)];
    const rows = await manager.query<GatheringRow[]>(
      `SELECT g.id, g.title, g.kind, g.starts_at AS "startsAt",
              (SELECT count(*)::int FROM gathering_rsvps r WHERE r.gathering_id = g.id AND r.answer = 'yes') AS said_yes,
              (SELECT count(*)::int FROM gathering_attendance a WHERE a.gathering_id = g.id AND a.status = 'present') AS came,
              (SELECT count(*)::int FROM gathering_attendance a WHERE a.gathering_id = g.id AND a.status = 'present' AND a.walk_in) AS walk_ins
         FROM gatherings g
        WHERE g.cancelled_at IS NULL AND g.starts_at >= $2 AND g.starts_at < $3 AND g.starts_at <= now()
          AND ($1::uuid IS NULL OR g.chapter_id = $1)
        ORDER BY g.starts_at DESC LIMIT ${GATHERING_ROWS_LIMIT}`,
      params,
    );
    const [figures] = await manager.query<GatheringFigures[]>(
      `WITH held AS (
         SELECT g.id, g.starts_at FROM gatherings g
          WHERE g.cancelled_at IS NULL AND g.starts_at >= $2 AND g.starts_at < $3 AND g.starts_at <= now()
            AND ($1::uuid IS NULL OR g.chapter_id = $1)),
       came AS (
         SELECT a.user_id, h.starts_at FROM held h
           JOIN gathering_attendance a ON a.gathering_id = h.id AND a.status = 'present'),
       visits AS (
         SELECT a.user_id, g.starts_at FROM gathering_attendance a JOIN gatherings g ON g.id = a.gathering_id
          WHERE a.status = 'present' AND g.cancelled_at IS NULL AND ($1::uuid IS NULL OR g.chapter_id = $1)
            AND a.user_id IN (SELECT user_id FROM came)),
       firsts AS (SELECT user_id, min(starts_at) AS first_at FROM visits GROUP BY user_id)
       SELECT (SELECT count(*)::int FROM held) AS held,
              (SELECT count(DISTINCT user_id)::int FROM came) AS attendees,
              (SELECT count(*)::int FROM came) AS attendances,
              (SELECT count(DISTINCT c.user_id)::int FROM came c WHERE EXISTS (SELECT 1 FROM visits v
                 WHERE v.user_id = c.user_id AND v.starts_at > c.starts_at AND v.starts_at <= c.starts_at + interval '30 days')) AS "returning30",
              (SELECT count(DISTINCT c.user_id)::int FROM came c WHERE EXISTS (SELECT 1 FROM visits v
                 WHERE v.user_id = c.user_id AND v.starts_at > c.starts_at AND v.starts_at <= c.starts_at + interval '90 days')) AS "returning90",
              (SELECT count(*)::int FROM firsts WHERE first_at >= $2 AND first_at < $3) AS newcomers,
              (SELECT count(*)::int FROM firsts f WHERE f.first_at >= $2 AND f.first_at < $3 AND EXISTS (SELECT 1 FROM visits v
                 WHERE v.user_id = f.user_id AND v.starts_at > f.first_at AND v.starts_at <= f.first_at + interval '90 days')) AS retained`,
      params,
    );
    return {
      ...figures,
      perAttendee: figures.attendees ? figures.attendances / figures.attendees : null,
      returning30Rate: rate(figures.returning30, figures.attendees),
      returning90Rate: rate(figures.returning90, figures.attendees),
      retainedRate: rate(figures.retained, figures.newcomers),
      rows,
    };
  }
}
