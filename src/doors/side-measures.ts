import type { EntityManager } from 'typeorm';
import type { SideMeasure } from '../admin/side-measures';

type Range = { from: Date; to: Date };

/** Runs a `chapter_id, n` query over [from, to) and returns it as the map a SideMeasure answers. */
async function byChapter(manager: EntityManager, sql: string, range: Range) {
  const rows = await manager.query<{ chapter_id: string | null; n: number }[]>(sql, [range.from, range.to]);
  return new Map(rows.map((row) => [row.chapter_id, Number(row.n)]));
}

/** The "from all sides" figures of the open doors: newcomers through the join form, partner requests. */
export const DOORS_MEASURES: SideMeasure[] = [
  {
    key: 'join_requests',
    label: 'Join requests',
    side: 'doors',
    method: 'Join or start requests confirmed by email in the period, by the chapter they were routed to.',
    count: (manager, range) =>
      byChapter(
        manager,
        `SELECT chapter_id, count(*)::int AS n FROM join_requests
          WHERE confirmed_at >= $1 AND confirmed_at < $2 GROUP BY chapter_id`,
        range,
      ),
  },
  {
    key: 'join_request_members',
    label: 'Newcomers who became members',
    side: 'doors',
    method:
      'People who accepted an invitation sent from their join request, counted when their account was made.',
    count: (manager, range) =>
      byChapter(
        manager,
        `SELECT jr.chapter_id, count(*)::int AS n FROM join_requests jr JOIN users u ON u.id = jr.user_id
          WHERE u.created_at >= $1 AND u.created_at < $2 GROUP BY jr.chapter_id`,
        range,
      ),
  },
  {
    key: 'partner_requests',
    label: 'Partner requests',
    side: 'doors',
    method: 'Requests from governments, nonprofits and companies confirmed by email in the period.',
    count: (manager, range) =>
      byChapter(
        manager,
        `SELECT chapter_id, count(*)::int AS n FROM partner_requests
          WHERE confirmed_at >= $1 AND confirmed_at < $2 GROUP BY chapter_id`,
        range,
      ),
  },
  {
    key: 'partner_requests_answered',
    label: 'Partner requests answered',
    side: 'doors',
    method: 'Partner requests an admin moved past "new" (to talking, or declined) in the period.',
    count: (manager, range) =>
      byChapter(
        manager,
        `SELECT pr.chapter_id, count(*)::int AS n
           FROM partner_request_transitions t JOIN partner_requests pr ON pr.id = t.request_id
          WHERE t.from_status = 'new' AND t.to_status <> 'new' AND t.created_at >= $1 AND t.created_at < $2
          GROUP BY pr.chapter_id`,
        range,
      ),
  },
];

export interface DoorCounts {
  joinRequests: number;
  members: number;
  partnerRequests: number;
  answered: number;
}

/** All-time totals for an admin's scope (a chapter, or null for the whole academy). */
export async function countDoors(manager: EntityManager, chapterId: string | null): Promise<DoorCounts> {
  const all = { from: new Date(0), to: new Date(Date.now() + 60_000) };
  const [joinRequests, members, partnerRequests, answered] = await Promise.all(
    DOORS_MEASURES.map(async (measure) => {
      const counts = await measure.count(manager, all);
      return chapterId ? (counts.get(chapterId) ?? 0) : [...counts.values()].reduce((a, b) => a + b, 0);
    }),
  );
  return { joinRequests, members, partnerRequests, answered };
}
