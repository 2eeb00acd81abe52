import type { EntityManager } from 'typeorm';

/** Which side of the academy's work a figure speaks for. */
export type Side = 'helped' | 'volunteers' | 'learners' | 'doors';

/**
 * One figure of the "from all sides" report: counted per chapter over a time range. Features
 * (projects, gatherings, the join and partner forms, the curriculum) each export their measures;
 * the report puts them side by side per chapter and per period.
 */
export interface SideMeasure {
  /** Stable key: a column name in the export (`snake_case`). */
  key: string;
  /** Column heading on the page. */
  label: string;
  side: Side;
  /** How the figure is counted, in one sentence shown under the table. */
  method: string;
  /**
   * The figure for each chapter over [from, to): chapter id → value; the key `null` holds what
   * belongs to no chapter. A chapter missing from the map counts 0. One bounded, index-backed query.
   */
  count(manager: EntityManager, range: { from: Date; to: Date }): Promise<Map<string | null, number>>;
}
