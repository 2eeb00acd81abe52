import type { SideMeasure } from './side-measures';
import { countsByChapter } from '../projects/measures';

/** The learners' side of the "from all sides" report: progress and certificates, by the person's chapter. */
export const LEARNER_MEASURES: readonly SideMeasure[] = [
  {
    key: 'active_learners',
    label: 'Active learners',
    side: 'learners',
    method: 'People who completed at least one milestone in the period, by their current chapter.',
    count: (manager, { from, to }) =>
      countsByChapter(
        manager,
        `SELECT u.chapter_id, count(DISTINCT c.user_id)::int AS n
           FROM milestone_completions c JOIN users u ON u.id = c.user_id
          WHERE c.completed_at >= $1 AND c.completed_at < $2
          GROUP BY u.chapter_id`,
        [from, to],
      ),
  },
  {
    key: 'certificates_awarded',
    label: 'Certificates awarded',
    side: 'learners',
    method:
      'Certificates awarded in the period, each award counted once (a reissued version is the same award), by the holder’s current chapter.',
    count: (manager, { from, to }) =>
      countsByChapter(
        manager,
        `SELECT u.chapter_id, count(*)::int AS n
           FROM certificates ce JOIN users u ON u.id = ce.user_id
          WHERE ce.superseded_at IS NULL AND ce.awarded_at >= $1 AND ce.awarded_at < $2
          GROUP BY u.chapter_id`,
        [from, to],
      ),
  },
];
