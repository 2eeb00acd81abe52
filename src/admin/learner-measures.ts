import type { EntityManager } from 'typeorm';
import { NO_GROUP } from '../../migrations/1795890000000-ReportAggregates';
import { LEARNER_SPANS } from './learner-periods.entities';
import type { SideMeasure } from './side-measures';
import { countsByChapter } from '../projects/measures';

/** 1 or 3 when [from, to) is one whole UTC calendar month or quarter; otherwise null. */
export function wholeSpanOf({ from, to }: { from: Date; to: Date }): number | null {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth();
  if (from.getTime() !== Date.UTC(y, m, 1)) return null;
  if (to.getTime() === Date.UTC(y, m + 1, 1)) return LEARNER_SPANS.month;
  if (m % 3 === 0 && to.getTime() === Date.UTC(y, m + 3, 1)) return LEARNER_SPANS.quarter;
  return null;
}

/** A kept count table's row set for one whole month or quarter, per chapter ("no chapter" as null). */
function keptCounts(
  manager: EntityManager,
  table: 'learner_counts' | 'award_counts',
  span: number,
  from: Date,
): Promise<Map<string | null, number>> {
  return countsByChapter(
    manager,
    `SELECT NULLIF(chapter_key, $3::uuid) AS chapter_id, n FROM ${table}
      WHERE span = $1 AND start = $2::date AND n <> 0`,
    [span, from.toISOString().slice(0, 10), NO_GROUP],
  );
}

/**
 * Active learners per chapter over [from, to): a whole month or quarter reads the kept counts
 * (learner_counts, one row per chapter); any other range counts distinct people from the completions.
 */
export function activeLearners(
  manager: EntityManager,
  range: { from: Date; to: Date },
): Promise<Map<string | null, number>> {
  const span = wholeSpanOf(range);
  if (span !== null) return keptCounts(manager, 'learner_counts', span, range.from);
  return countsByChapter(
    manager,
    `SELECT u.chapter_id, count(DISTINCT c.user_id)::int AS n
       FROM milestone_completions c JOIN users u ON u.id = c.user_id
      WHERE c.completed_at >= $1 AND c.completed_at < $2
      GROUP BY u.chapter_id`,
    [range.from, range.to],
  );
}

/**
 * Certificates awarded per chapter over [from, to), each award once (its current version): a whole
 * month or quarter reads the kept counts (award_counts); any other range counts the certificates.
 */
export function certificatesAwarded(
  manager: EntityManager,
  range: { from: Date; to: Date },
): Promise<Map<string | null, number>> {
  const span = wholeSpanOf(range);
  if (span !== null) return keptCounts(manager, 'award_counts', span, range.from);
  return countsByChapter(
    manager,
    `SELECT u.chapter_id, count(*)::int AS n
       FROM certificates ce JOIN users u ON u.id = ce.user_id
      WHERE ce.superseded_at IS NULL AND ce.awarded_at >= $1 AND ce.awarded_at < $2
      GROUP BY u.chapter_id`,
    [range.from, range.to],
  );
}

/** The learners' side of the "from all sides" report: progress and certificates, by the person's chapter. */
export const LEARNER_MEASURES: readonly SideMeasure[] = [
  {
    key: 'active_learners',
    label: 'Active learners',
    side: 'learners',
    method: 'People who completed at least one milestone in the period, by their current chapter.',
    count: activeLearners,
  },
  {
    key: 'certificates_awarded',
    label: 'Certificates awarded',
    side: 'learners',
    method:
      'Certificates awarded in the period, each award counted once (a reissued version is the same award), by the holder’s current chapter.',
    count: certificatesAwarded,
  },
];
