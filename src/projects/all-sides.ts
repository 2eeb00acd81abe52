import { LEARNER_MEASURES } from '../admin/learner-measures';
import type { SideMeasure } from '../admin/side-measures';
import { FELLOWSHIP_MEASURES } from '../circles/fellowship-measures';
import { DOORS_MEASURES } from '../doors/side-measures';
import { GATHERING_MEASURES } from '../gatherings/side-measures';
import { PROJECT_MEASURES } from './measures';

/**
 * Every figure of the "from all sides" report, in column order: the one place the report reads
 * its measures from. People helped by projects first, then the volunteers (projects, circles,
 * gatherings), the learners, and who came in through the join and partner forms.
 */
export const ALL_SIDES_MEASURES: readonly SideMeasure[] = [
  ...PROJECT_MEASURES,
  ...FELLOWSHIP_MEASURES,
  ...GATHERING_MEASURES,
  ...LEARNER_MEASURES,
  ...DOORS_MEASURES,
];
