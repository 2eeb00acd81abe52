import type { EntityManager } from 'typeorm';
import type { ReportFilter } from './reports.service';

/** "No chapter" / "no cohort" in the kept counts' keys (as in the ReportAggregates migration). */
const NO_GROUP = '00000000-0000-0000-0000-000000000000';

export interface FunnelGroupRow {
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
}

/**
 * The funnel's figures per chapter and cohort of the filter's organizers on `trackId`, from the
 * kept counts (see the FunnelCounts migration): organizers and progress from report_funnel, with
 * "half the track" applied here against `milestones` (the track as it is now); active (last sign-in
 * on or after the day 30 days ago, UTC) from report_sign_in_days; pending invites from invites.
 * Reads rows per group, track and milestone count or day, never per person.
 */
export async function funnelGroups(
  manager: EntityManager,
  f: ReportFilter,
  trackId: string,
  milestones: number,
): Promise<FunnelGroupRow[]> {
  return manager.query<FunnelGroupRow[]>(
    `WITH groups AS (
       SELECT chapter_key, cohort_key, sum(n) FILTER (WHERE track_id = '')::int AS accounts, 0 AS pending, 0 AS active,
              coalesce(sum(n) FILTER (WHERE track_id = $3 AND completed >= 1), 0)::int AS first,
              coalesce(sum(n) FILTER (WHERE track_id = $3 AND completed * 2 >= $4), 0)::int AS half,
              coalesce(sum(n) FILTER (WHERE track_id = $3 AND certified), 0)::int AS certified
         FROM report_funnel
        WHERE track_id IN ('', $3) AND ($1::uuid IS NULL OR chapter_key = $1) AND ($2::uuid IS NULL OR cohort_key = $2)
        GROUP BY 1, 2
       UNION ALL
       SELECT chapter_key, cohort_key, 0, 0, sum(n)::int, 0, 0, 0 FROM report_sign_in_days
        WHERE day >= (SELECT ((now() - interval '30 days') AT TIME ZONE 'UTC')::date)
          AND ($1::uuid IS NULL OR chapter_key = $1) AND ($2::uuid IS NULL OR cohort_key = $2)
        GROUP BY 1, 2
       UNION ALL
       SELECT coalesce(chapter_id, '${NO_GROUP}'), coalesce(cohort_id, '${NO_GROUP}'), 0, count(*)::int, 0, 0, 0, 0
         FROM invites
        WHERE role = 'organizer' AND accepted_at IS NULL AND revoked_at IS NULL
          AND ($1::uuid IS NULL OR chapter_id = $1) AND ($2::uuid IS NULL OR cohort_id = $2)
        GROUP BY 1, 2)
     SELECT nullif(g.chapter_key, '${NO_GROUP}') AS chapter_id, ch.name AS chapter,
            nullif(g.cohort_key, '${NO_GROUP}') AS cohort_id, co.name AS cohort,
            sum(accounts)::int AS accounts, sum(pending)::int AS pending, sum(active)::int AS active,
            sum(first)::int AS first, sum(half)::int AS half, sum(g.certified)::int AS certified
       FROM groups g LEFT JOIN chapters ch ON ch.id = g.chapter_key LEFT JOIN cohorts co ON co.id = g.cohort_key
      GROUP BY g.chapter_key, ch.name, g.cohort_key, co.name
     HAVING sum(accounts) + sum(pending) > 0`,
    [f.chapterId, f.cohortId, trackId, milestones],
  );
}
