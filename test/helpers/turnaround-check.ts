import type { EntityManager } from 'typeorm';
import type { ReportFilter, ReportsService } from '../../src/admin/reports.service';
import {
  bucketOf,
  bucketTop,
  BUCKET_BOUNDS,
  medianOf,
  turnaroundHistograms,
} from '../../src/admin/turnaround';

const DAY = 86_400_000;

/** Every review in the filter's range recomputed the straightforward way, from the source rows. */
const RAW_REVIEWS = `
  WITH people AS (SELECT id FROM users WHERE role = 'organizer'
                   AND ($1::uuid IS NULL OR chapter_id = $1) AND ($2::uuid IS NULL OR cohort_id = $2))
  SELECT r.reviewer_id, u.display_name AS coach, extract(epoch FROM r.created_at - s.submitted_at)::float8 / 3600 AS hours
    FROM submission_reviews r JOIN evidence_submissions s ON s.id = r.submission_id
    JOIN people p ON p.id = s.organizer_id JOIN users u ON u.id = r.reviewer_id
   WHERE r.created_at >= $3 AND r.created_at < $4`;

const bucketWidth = (k: number) => bucketTop(k) - BUCKET_BOUNDS[k];

/** Bucket counts of `hours`, bucketed as the report buckets them. */
export function bucketed(hours: number[]): number[] {
  const counts = BUCKET_BOUNDS.map(() => 0);
  for (const h of hours) counts[bucketOf(h)] += 1;
  return counts;
}

/**
 * The exact median and how far the report's figure may be from it: the width of the bucket of
 * each middle review (the wider of the two), as the report states.
 */
export function exactMedian(hours: number[]): { median: number; precision: number } {
  const sorted = [...hours].sort((a, b) => a - b);
  const [lo, hi] = [sorted[Math.floor((sorted.length - 1) / 2)], sorted[Math.ceil((sorted.length - 1) / 2)]];
  return { median: (lo + hi) / 2, precision: Math.max(bucketWidth(bucketOf(lo)), bucketWidth(bucketOf(hi))) };
}

/**
 * Asserts the report's turnaround for `f` equals the raw reviews bucketed the same way (counts and
 * the median read from them, overall and per coach), and that each exact median lies within the
 * stated precision of the reported one.
 */
export async function expectTurnaroundMatchesRawReviews(
  manager: EntityManager,
  reports: ReportsService,
  f: ReportFilter,
): Promise<void> {
  const toExclusive = new Date(f.to.getTime() + DAY);
  const raw = await manager.query<{ reviewer_id: string; coach: string; hours: number }[]>(RAW_REVIEWS, [
    f.chapterId,
    f.cohortId,
    f.from,
    toExclusive,
  ]);
  const byCoach = new Map<string, { coach: string; hours: number[] }>();
  for (const r of raw) {
    const entry = byCoach.get(r.reviewer_id) ?? { coach: r.coach, hours: [] };
    entry.hours.push(r.hours);
    byCoach.set(r.reviewer_id, entry);
  }
  const histograms = await turnaroundHistograms(manager, f, f.from, toExclusive);
  expect(
    histograms.map((h) => [h.reviewerId, h.counts]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  ).toEqual(
    [...byCoach.entries()]
      .map(([id, c]) => [id, bucketed(c.hours)])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );

  const got = await reports.reviewTurnaround(manager, f);
  const all = raw.map((r) => r.hours);
  expect(got.overall).toEqual({ reviews: all.length, medianHours: medianOf(bucketed(all)) });
  const byName = (a: { coach: string }, b: { coach: string }) => a.coach.localeCompare(b.coach);
  expect([...got.perCoach].sort(byName)).toEqual(
    [...byCoach.values()]
      .map((c) => ({ coach: c.coach, reviews: c.hours.length, medianHours: medianOf(bucketed(c.hours)) }))
      .sort(byName),
  );
  for (const [shown, hours] of [
    [got.overall.medianHours, all] as const,
    ...got.perCoach.map(
      (c) => [c.medianHours, [...byCoach.values()].find((b) => b.coach === c.coach)!.hours] as const,
    ),
  ]) {
    if (!hours.length) continue;
    const { median, precision } = exactMedian(hours);
    // In the open last bucket a review counts as its lower bound (768 h), never above its value.
    if (precision === Infinity)
      expect(median).toBeGreaterThanOrEqual(shown! - bucketWidth(BUCKET_BOUNDS.length - 2) / 2);
    else expect(Math.abs(shown! - median)).toBeLessThanOrEqual(precision);
  }
}
