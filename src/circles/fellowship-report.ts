import type { EntityManager } from 'typeorm';
import { rate, weeksBetween, type ReportFilter } from '../admin/reports.service';
import type { PostKind } from './post.entities';

/** An ask counts as answered in time when the reply its asker chose came within this many hours. */
export const ANSWERED_WITHIN_HOURS = 48;

export interface FellowshipFigures {
  /** People who posted, replied, or pressed "Me too" / "This helped" in the range. */
  activeMembers: number;
  asks: number;
  answeredWithin48h: number;
  answeredWithin48hRate: number | null;
  /** Asks with no reply (from anyone but the asker) yet. */
  unreplied: number;
  /** Median hours from an ask to its first reply, over asks that have one. */
  medianFirstReplyHours: number | null;
  postsByKind: Record<PostKind, number>;
  perWeek: { week: string; story: number; ask: number; feedback: number }[];
}

/**
 * The fellowship section of the admin reports, over the people of the filter's chapter and cohort
 * (all roles) and the posts, replies and reactions they made in its date range. Hidden posts are not
 * counted as posts or asks; every query walks a created_at index over the range only.
 */
export class FellowshipReport {
  /** Every figure of the section, in three queries. */
  async figures(manager: EntityManager, f: ReportFilter): Promise<FellowshipFigures> {
    const to = new Date(f.to.getTime() + 86_400_000);
    const params = [f.chapterId, f.cohortId, f.from, to];
    const inPopulation = `($1::uuid IS NULL OR u.chapter_id = $1) AND ($2::uuid IS NULL OR u.cohort_id = $2)`;
    const inRange = (alias: string) => `${alias}.created_at >= $3 AND ${alias}.created_at < $4`;
    const [active] = await manager.query<{ n: number }[]>(
      `SELECT count(DISTINCT x.user_id)::int AS n FROM (
         SELECT p.author_id AS user_id FROM circle_posts p WHERE ${inRange('p')}
         UNION ALL SELECT r.author_id FROM circle_replies r WHERE ${inRange('r')}
         UNION ALL SELECT t.user_id FROM circle_post_me_too t WHERE ${inRange('t')}
         UNION ALL SELECT h.user_id FROM circle_reply_helped h WHERE ${inRange('h')}) x
       JOIN users u ON u.id = x.user_id WHERE ${inPopulation}`,
      params,
    );
    const weekly = await manager.query<{ week: string; kind: PostKind; n: number }[]>(
      `SELECT to_char(date_trunc('week', p.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week, p.kind, count(*)::int AS n
         FROM circle_posts p JOIN users u ON u.id = p.author_id
        WHERE ${inRange('p')} AND p.hidden_at IS NULL AND ${inPopulation}
        GROUP BY 1, 2`,
      params,
    );
    const [asks] = await manager.query<
      { asks: number; answered: number; unreplied: number; median: number | null }[]
    >(
      `SELECT count(*)::int AS asks,
              count(*) FILTER (WHERE a.answered_at <= a.created_at + make_interval(hours => $5))::int AS answered,
              count(*) FILTER (WHERE a.first_reply_at IS NULL)::int AS unreplied,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.first_reply_at - a.created_at) / 3600) AS median
         FROM (SELECT p.created_at,
                      (SELECT min(r.created_at) FROM circle_replies r
                        WHERE r.post_id = p.id AND r.hidden_at IS NULL AND r.author_id <> p.author_id) AS first_reply_at,
                      (SELECT r.created_at FROM circle_replies r WHERE r.id = p.answer_reply_id) AS answered_at
                 FROM circle_posts p JOIN users u ON u.id = p.author_id
                WHERE p.kind = 'ask' AND p.hidden_at IS NULL AND ${inRange('p')} AND ${inPopulation}) a`,
      [...params, ANSWERED_WITHIN_HOURS],
    );
    const count = (week: string | null, kind: PostKind) =>
      weekly
        .filter((r) => (week === null || r.week === week) && r.kind === kind)
        .reduce((n, r) => n + r.n, 0);
    return {
      activeMembers: active.n,
      asks: asks.asks,
      answeredWithin48h: asks.answered,
      answeredWithin48hRate: rate(asks.answered, asks.asks),
      unreplied: asks.unreplied,
      medianFirstReplyHours: asks.median === null ? null : Number(asks.median),
      postsByKind: {
        story: count(null, 'story'),
        ask: count(null, 'ask'),
        feedback: count(null, 'feedback'),
      },
      perWeek: weeksBetween(f.from, f.to).map((week) => ({
        week,
        story: count(week, 'story'),
        ask: count(week, 'ask'),
        feedback: count(week, 'feedback'),
      })),
    };
  }
}
