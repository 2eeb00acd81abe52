import type { EntityManager } from 'typeorm';
import {
  TURNAROUND_BOUNDS,
  TURNAROUND_EPOCH,
  TURNAROUND_SPANS,
} from '../../migrations/1795891100000-ReviewTurnaroundHistograms';

/**
 * Review turnaround from the kept histograms (report_turnaround): a day range is read as whole
 * blocks of 64, 16, 4 and 1 weeks plus the exact report_reviews rows of the days at its edges, so
 * the cost grows with the number of coaches, not of reviews. Medians are interpolated inside an
 * hour bucket, so they are exact to within one bucket (see `medianOf`).
 */

/** Lower bound of each hour bucket; the last bucket (768 h and more) has no upper bound. */
export const BUCKET_BOUNDS: readonly number[] = TURNAROUND_BOUNDS;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const EPOCH_MS = Date.parse(`${TURNAROUND_EPOCH}T00:00:00Z`);
const COLUMNS = BUCKET_BOUNDS.map((_, k) => `h${k}`);
const THRESHOLDS = `ARRAY[${BUCKET_BOUNDS.slice(1).join(', ')}]::float8[]`;

/** Which bucket `hours` falls in (as the database's width_bucket puts it). */
export function bucketOf(hours: number): number {
  let k = 0;
  while (k + 1 < BUCKET_BOUNDS.length && hours >= BUCKET_BOUNDS[k + 1]) k += 1;
  return k;
}

/** Upper bound of bucket k (Infinity for the last). */
export function bucketTop(k: number): number {
  return k + 1 < BUCKET_BOUNDS.length ? BUCKET_BOUNDS[k + 1] : Infinity;
}

export interface RangePlan {
  /** Aligned blocks (span in weeks, start as YYYY-MM-DD), each added (sign 1) or taken away (-1). */
  blocks: { span: number; start: string; sign: number }[];
  /** Stretches under a week read from the per-review rows: [from, to) instants, added or taken away. */
  edges: { from: Date; to: Date; sign: number }[];
}

const weekStart = (week: number) => new Date(EPOCH_MS + week * WEEK_MS);

/**
 * Writes [from, toExclusive) as a signed sum of aligned blocks and short edges, reading as few rows
 * as it can: each end moves to the nearer bound of the next coarser level (adding or taking away
 * the blocks it passes, at most two per level and end), then whole top-level blocks cover the rest.
 * A range shorter than a week is read from the per-review rows alone.
 */
export function planRange(from: Date, toExclusive: Date): RangePlan {
  if (toExclusive.getTime() - from.getTime() < WEEK_MS)
    return { blocks: [], edges: from < toExclusive ? [{ from, to: toExclusive, sign: 1 }] : [] };
  const edges: RangePlan['edges'] = [];
  const weekOfEnd = (at: Date, isStart: boolean): number => {
    const down = Math.floor((at.getTime() - EPOCH_MS) / WEEK_MS);
    const [lo, hi] = [weekStart(down), weekStart(down + 1)];
    if (at.getTime() === lo.getTime()) return down;
    const nearerDown = at.getTime() - lo.getTime() <= hi.getTime() - at.getTime();
    // Moving the start down (or the end up) takes the passed stretch away; the other way adds it.
    if (nearerDown) edges.push({ from: lo, to: at, sign: isStart ? -1 : 1 });
    else edges.push({ from: at, to: hi, sign: isStart ? 1 : -1 });
    return nearerDown ? down : down + 1;
  };
  let a = weekOfEnd(from, true);
  let b = weekOfEnd(toExclusive, false);
  const signs = new Map<string, number>();
  const add = (span: number, first: number, last: number, sign: number) => {
    for (let w = first; w < last; w += span) {
      const key = `${span} ${w}`;
      signs.set(key, (signs.get(key) ?? 0) + sign);
    }
  };
  const spans = [...TURNAROUND_SPANS].sort((x, y) => x - y);
  for (const [i, span] of spans.slice(0, -1).entries()) {
    const next = spans[i + 1];
    for (const isStart of [true, false]) {
      const end = isStart ? a : b;
      const down = Math.floor(end / next) * next;
      if (down === end) continue;
      const moved = end - down <= down + next - end ? down : down + next;
      const sign = (moved < end ? -1 : 1) * (isStart ? 1 : -1);
      add(span, Math.min(moved, end), Math.max(moved, end), sign);
      if (isStart) a = moved;
      else b = moved;
    }
  }
  const top = spans[spans.length - 1];
  add(top, Math.min(a, b), Math.max(a, b), a <= b ? 1 : -1);
  const blocks = [...signs.entries()]
    .filter(([, sign]) => sign !== 0)
    .map(([key, sign]) => {
      const [span, week] = key.split(' ').map(Number);
      return { span, start: weekStart(week).toISOString().slice(0, 10), sign };
    });
  return { blocks, edges };
}

/** The value of the i-th smallest review (0-based), placed evenly inside its bucket. */
function placeOf(counts: readonly number[], i: number): number {
  let before = 0;
  for (const [k, n] of counts.entries()) {
    if (i < before + n) {
      const top = bucketTop(k);
      if (top === Infinity) return BUCKET_BOUNDS[k];
      return BUCKET_BOUNDS[k] + ((i - before + 0.5) / n) * (top - BUCKET_BOUNDS[k]);
    }
    before += n;
  }
  throw new RangeError(`no review number ${i} in the histogram`);
}

/**
 * Median hours from bucket counts, or null when there are none: the two middle reviews (one when
 * the count is odd) are each placed evenly inside their bucket and averaged. Each lies within its
 * bucket's width of its true value, so the result is within the width of the median's bucket (the
 * wider of two neighbours when the middle pair straddles a bound) of the exact median; in the last
 * bucket (768 h and more) it is that bucket's lower bound.
 */
export function medianOf(counts: readonly number[]): number | null {
  const n = counts.reduce((sum, c) => sum + c, 0);
  if (n === 0) return null;
  return (placeOf(counts, Math.floor((n - 1) / 2)) + placeOf(counts, Math.ceil((n - 1) / 2))) / 2;
}

export interface CoachHistogram {
  reviewerId: string;
  coach: string;
  counts: number[];
}

/**
 * Per reviewer, bucket counts of the reviews made in [from, toExclusive) of organizers in the
 * chapter / cohort (null: any): whole blocks from report_turnaround, the edges from report_reviews.
 */
export async function turnaroundHistograms(
  manager: EntityManager,
  filter: { chapterId: string | null; cohortId: string | null },
  from: Date,
  toExclusive: Date,
): Promise<CoachHistogram[]> {
  const plan = planRange(from, toExclusive);
  // One JSON row rather than a row per coach, and names from the kept coach_loads (active coaches;
  // anyone else from users): both measured cheaper than 2,000 rows each joined to users.
  const [{ coaches }] = await manager.query<{ coaches: [string, string | null, number[]][] }[]>(
    `WITH parts AS (
       SELECT t.reviewer_id, ${COLUMNS.map((c) => `b.sign * t.${c} AS ${c}`).join(', ')}
         FROM unnest($3::smallint[], $4::date[], $5::int[]) AS b(span, start, sign)
         CROSS JOIN LATERAL (SELECT * FROM report_turnaround t
                              WHERE t.span = b.span AND t.start = b.start
                                AND ($1::uuid IS NULL OR t.chapter_key = $1) AND ($2::uuid IS NULL OR t.cohort_key = $2)
                             OFFSET 0) t
       UNION ALL
       SELECT reviewer_id, ${COLUMNS.map((c, k) => `CASE k WHEN ${k} THEN sign ELSE 0 END`).join(', ')}
         FROM (SELECT r.reviewer_id, width_bucket(r.hours, ${THRESHOLDS}) AS k, e.sign
                 FROM unnest($6::timestamptz[], $7::timestamptz[], $8::int[]) AS e(a, b, sign)
                 CROSS JOIN LATERAL (SELECT * FROM report_reviews r
                                      WHERE r.created_at >= e.a AND r.created_at < e.b
                                        AND ($1::uuid IS NULL OR r.chapter_key = $1) AND ($2::uuid IS NULL OR r.cohort_key = $2)
                                     OFFSET 0) r
               OFFSET 0) edge)
     SELECT coalesce(json_agg(json_build_array(s.reviewer_id, coalesce(c.display_name,
              (SELECT u.display_name FROM users u WHERE u.id = s.reviewer_id)), s.counts)), '[]') AS coaches
       FROM (SELECT reviewer_id, ARRAY[${COLUMNS.map((c) => `sum(${c})::int`).join(', ')}] AS counts
               FROM parts GROUP BY reviewer_id) s
       LEFT JOIN coach_loads c ON c.coach_id = s.reviewer_id`,
    [
      filter.chapterId,
      filter.cohortId,
      plan.blocks.map((b) => b.span),
      plan.blocks.map((b) => b.start),
      plan.blocks.map((b) => b.sign),
      plan.edges.map((e) => e.from),
      plan.edges.map((e) => e.to),
      plan.edges.map((e) => e.sign),
    ],
  );
  return coaches
    .filter(([, , counts]) => counts.some((c) => c !== 0))
    .map(([reviewerId, coach, counts]) => ({ reviewerId, coach: coach ?? 'Unknown coach', counts }));
}
