import { LEARNER_MEASURES } from '../admin/learner-measures';
import type { SideMeasure } from '../admin/side-measures';
import { PROJECT_MEASURES } from './measures';

/**
 * Every figure of the "from all sides" report, in column order: the one place the report reads
 * its measures from. Other features (gatherings, the join and partner forms) add theirs here.
 */
export const ALL_SIDES_MEASURES: readonly SideMeasure[] = [...PROJECT_MEASURES, ...LEARNER_MEASURES];
