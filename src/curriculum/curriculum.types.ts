import type { Role } from '../accounts/roles';
import type { Milestone } from './curriculum.schemas';
import type { TocEntry } from './markdown';

export type { Milestone };

export interface CurriculumModule {
  id: string;
  trackId: string;
  /** Position in the track, from 0. */
  index: number;
  title: string;
  summary: string;
  estimatedMinutes: number;
  prerequisites: string[];
  milestones: Milestone[];
  html: string;
  toc: TocEntry[];
  headings: string[];
  text: string;
  contentHash: string;
  file: string;
}

export interface CurriculumTrack {
  id: string;
  title: string;
  summary: string;
  certificateName: string;
  criteria: string;
  validityMonths: number | undefined;
  /** Whose track it is: people with one of these roles or in one of these cohorts; undefined: everyone's. */
  openTo: { roles: Role[]; cohorts: string[] } | undefined;
  /** The certificate badge's colours (front matter `badge`, or the academy's defaults). */
  badge: { background: string; text: string; accent: string };
  /** Tracks (tiers) whose current certificate this track's certificate requires. */
  requires: string[];
  /** A realistic time to earn the certificate, from the front matter. */
  timeExpectation: string | undefined;
  introHtml: string;
  modules: CurriculumModule[];
  contentHash: string;
  /** Derived from the track's own hash and its modules' hashes, in order. */
  version: string;
}

export interface Curriculum {
  tracks: CurriculumTrack[];
  trackById: Map<string, CurriculumTrack>;
  moduleById: Map<string, CurriculumModule>;
  /**
   * Every milestone by its id, and also by each id it `replaces` (an old submission or completion
   * still finds the milestone it now counts for). Iterate `milestones` for each milestone once.
   */
  milestoneById: Map<string, { milestone: Milestone; module: CurriculumModule }>;
  /** Every milestone once, in track and module order. */
  milestones: { milestone: Milestone; module: CurriculumModule }[];
  /** Facilitator kits (rendered HTML), by the id of the workshop milestone that declares them. */
  kitByMilestoneId: Map<string, { html: string; toc: TocEntry[] }>;
  /** Changes whenever any file changes; keys the search index. */
  version: string;
}
