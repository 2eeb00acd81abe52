import type { SideMeasure } from '../admin/side-measures';
import { ANSWERED_WITHIN_HOURS } from './fellowship-report';

type Counted = { chapter_id: string | null; n: number }[];
const byChapter = (rows: Counted) => new Map(rows.map((r) => [r.chapter_id, r.n]));

/** The fellowship figures of the "from all sides" report, per chapter of the person counted. */
export const FELLOWSHIP_MEASURES: SideMeasure[] = [
  {
    key: 'circle_active_members',
    label: 'Active in circles',
    side: 'learners',
    method: 'People who posted, replied, or pressed “Me too” or “This helped” in a circle in the period.',
    async count(manager, { from, to }) {
      return byChapter(
        await manager.query<Counted>(
          // Each person once (UNION), then their chapter by key: a month has a few hundred people,
          // and joining them to every account would read the whole users table each time.
          `SELECT (SELECT u.chapter_id FROM users u WHERE u.id = x.user_id) AS chapter_id, count(*)::int AS n FROM (
             SELECT author_id AS user_id FROM circle_posts WHERE created_at >= $1 AND created_at < $2
             UNION SELECT author_id FROM circle_replies WHERE created_at >= $1 AND created_at < $2
             UNION SELECT user_id FROM circle_post_me_too WHERE created_at >= $1 AND created_at < $2
             UNION SELECT user_id FROM circle_reply_helped WHERE created_at >= $1 AND created_at < $2) x
           WHERE x.user_id IS NOT NULL GROUP BY 1`,
          [from, to],
        ),
      );
    },
  },
  {
    key: 'circle_asks_answered_48h',
    label: 'Asks answered within 48 h',
    side: 'learners',
    method: `Asks for help posted in the period whose asker marked answered a reply written within ${ANSWERED_WITHIN_HOURS} hours.`,
    async count(manager, { from, to }) {
      return byChapter(
        await manager.query<Counted>(
          `SELECT u.chapter_id, count(*)::int AS n
             FROM circle_posts p JOIN users u ON u.id = p.author_id JOIN circle_replies r ON r.id = p.answer_reply_id
            WHERE p.kind = 'ask' AND p.hidden_at IS NULL AND p.created_at >= $1 AND p.created_at < $2
              AND r.created_at <= p.created_at + make_interval(hours => $3)
            GROUP BY u.chapter_id`,
          [from, to, ANSWERED_WITHIN_HOURS],
        ),
      );
    },
  },
];
