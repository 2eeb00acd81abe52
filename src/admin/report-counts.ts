import type { EntityManager } from 'typeorm';
import { REPORT_MEASURES as MEASURES } from './report-aggregate.entities';
import type { ReportFilter } from './reports.service';

export type Measure = keyof typeof MEASURES;

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Monday (UTC) on or after `date`. */
function mondayOnOrAfter(date: Date): Date {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  return new Date(d.getTime() + ((8 - d.getUTCDay()) % 7) * DAY_MS);
}

/**
 * The whole weeks inside an inclusive day range, as [first Monday, Monday after the last]; the
 * days outside them (at most six at each end) are read from the day rows.
 */
export function wholeWeeks(from: Date, to: Date): { first: string; end: string } {
  const first = mondayOnOrAfter(from);
  const afterTo = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate()) + DAY_MS);
  // The Monday on or before the day after `to`: weeks starting before it end within the range.
  const end = new Date(afterTo.getTime() - ((afterTo.getUTCDay() + 6) % 7) * DAY_MS);
  return end > first ? { first: day(first), end: day(end) } : { first: day(first), end: day(first) };
}

/**
 * Per week (Monday, YYYY-MM-DD) and measure, the sum over the filter's organizers of what
 * happened on the range's days: whole weeks from the week rows, the edges from the day rows, so a
 * report reads at most weeks + 12 days of rows per chapter and cohort.
 */
export async function countsPerWeek(
  manager: EntityManager,
  f: ReportFilter,
  measures: Measure[],
): Promise<Map<string, number>> {
  const weeks = wholeWeeks(f.from, f.to);
  const rows = await manager.query<{ week: string; measure: number; n: number }[]>(
    `SELECT to_char(date_trunc('week', start), 'YYYY-MM-DD') AS week, measure, sum(n)::int AS n
       FROM report_counts
      WHERE measure = ANY($3::smallint[])
        AND ($1::uuid IS NULL OR chapter_key = $1::uuid)
        AND ($2::uuid IS NULL OR cohort_key = $2::uuid)
        AND ((span = 7 AND start >= $6::date AND start < $7::date)
          OR (span = 1 AND start >= $4::date AND start <= $5::date AND NOT (start >= $6::date AND start < $7::date)))
      GROUP BY 1, 2`,
    [
      f.chapterId,
      f.cohortId,
      measures.map((m) => MEASURES[m]),
      day(f.from),
      day(f.to),
      weeks.first,
      weeks.end,
    ],
  );
  const byName = new Map<number, string>(Object.entries(MEASURES).map(([name, code]) => [code, name]));
  return new Map(rows.map((r) => [`${r.week} ${byName.get(r.measure)}`, r.n]));
}
