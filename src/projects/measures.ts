import type { EntityManager } from 'typeorm';
import type { SideMeasure } from '../admin/side-measures';

/** Rows of (chapter, n) into the map a SideMeasure returns. */
export async function countsByChapter(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<Map<string | null, number>> {
  const rows = await manager.query<{ chapter_id: string | null; n: number }[]>(sql, params);
  return new Map(rows.map((r) => [r.chapter_id, Number(r.n)]));
}

/** The projects' side of the "from all sides" report. */
export const PROJECT_MEASURES: readonly SideMeasure[] = [
  {
    key: 'people_helped',
    label: 'People helped by projects',
    side: 'helped',
    method:
      'Each project’s latest “people helped” figure recorded before the period ends, added up per chapter (figures in different units are added as they are).',
    count: (manager, { to }) =>
      countsByChapter(
        manager,
        `SELECT p.chapter_id, sum(li.people_helped)::bigint AS n
           FROM projects p
           JOIN LATERAL (SELECT i.people_helped FROM project_impacts i
                          WHERE i.project_id = p.id AND i.recorded_at < $1
                          ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) li ON true
          GROUP BY p.chapter_id`,
        [to],
      ),
  },
  {
    key: 'people_on_projects',
    label: 'People on projects',
    side: 'volunteers',
    method:
      'People on a project’s team (its volunteers and its lead) by the end of the period, each counted once per chapter.',
    count: (manager, { to }) =>
      countsByChapter(
        manager,
        `SELECT chapter_id, count(DISTINCT user_id)::int AS n FROM (
           SELECT p.chapter_id, v.user_id FROM project_volunteers v JOIN projects p ON p.id = v.project_id
            WHERE v.added_at < $1
           UNION ALL
           SELECT p.chapter_id, p.lead_id FROM projects p WHERE p.lead_id IS NOT NULL AND p.created_at < $1
         ) team GROUP BY chapter_id`,
        [to],
      ),
  },
];
