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
  milestoneById: Map<string, { milestone: Milestone; module: CurriculumModule }>;
  /** Facilitator kits (rendered HTML), by the id of the workshop milestone that declares them. */
  kitByMilestoneId: Map<string, { html: string; toc: TocEntry[] }>;
  /** Changes whenever any file changes; keys the search index. */
  version: string;
}
