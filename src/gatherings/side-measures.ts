import type { EntityManager } from 'typeorm';
import type { SideMeasure } from '../admin/side-measures';

type Range = { from: Date; to: Date };

async function perChapter(
  manager: EntityManager,
  sql: string,
  range: Range,
): Promise<Map<string | null, number>> {
  const rows = await manager.query<{ chapter_id: string | null; n: number }[]>(sql, [range.from, range.to]);
  return new Map(rows.map((r) => [r.chapter_id, r.n]));
}

/** Gatherings that took place: not cancelled, started in [from, to) and by now. */
const HELD = `SELECT g.id, g.chapter_id, g.starts_at FROM gatherings g
  WHERE g.cancelled_at IS NULL AND g.starts_at >= $1 AND g.starts_at < $2 AND g.starts_at <= now()`;

/** The volunteers' side as gatherings see it: who shows up and who comes back. */
export const GATHERING_MEASURES: SideMeasure[] = [
  {
    key: 'gatherings_held',
    label: 'Gatherings held',
    side: 'volunteers',
    method:
      'Gatherings (hack nights, potlucks, circle calls) that were not cancelled and started in the period.',
    count: (manager, range) =>
      perChapter(
        manager,
        `SELECT chapter_id, count(*)::int AS n FROM (${HELD}) h GROUP BY chapter_id`,
        range,
      ),
  },
  {
    key: 'gathering_attendees',
    label: 'Gathering attendees',
    side: 'volunteers',
    method:
      'Distinct people marked present (checked in or marked by a host) at a gathering held in the period.',
    count: (manager, range) =>
      perChapter(
        manager,
        `SELECT h.chapter_id, count(DISTINCT a.user_id)::int AS n FROM (${HELD}) h
           JOIN gathering_attendance a ON a.gathering_id = h.id AND a.status = 'present'
          GROUP BY h.chapter_id`,
        range,
      ),
  },
  {
    key: 'gathering_returning_90d',
    label: 'Returning attendees (90 days)',
    side: 'volunteers',
    method:
      'Attendees of a gathering held in the period who came to another gathering of the same chapter within 90 days after it.',
    count: (manager, range) =>
      perChapter(
        manager,
        `SELECT h.chapter_id, count(DISTINCT a.user_id)::int AS n FROM (${HELD}) h
           JOIN gathering_attendance a ON a.gathering_id = h.id AND a.status = 'present'
          WHERE EXISTS (SELECT 1 FROM gathering_attendance b JOIN gatherings g2 ON g2.id = b.gathering_id
                         WHERE b.user_id = a.user_id AND b.status = 'present' AND g2.cancelled_at IS NULL
                           AND g2.chapter_id IS NOT DISTINCT FROM h.chapter_id
                           AND g2.starts_at > h.starts_at AND g2.starts_at <= h.starts_at + interval '90 days')
          GROUP BY h.chapter_id`,
        range,
      ),
  },
];
