import type { CurriculumModule, CurriculumTrack, Milestone } from './curriculum.types';

/**
 * What a track asks of a person, one entry per requirement: a milestone and its alternatives
 * (milestones declaring `alternativeTo` it). A requirement is met by a completion of any option,
 * under the option's own id or any id it `replaces`. This is the one place that decides it; progress,
 * issuing, evidence and exports all read requirements through here.
 */
export interface Requirement {
  module: CurriculumModule;
  /** The milestone the requirement is named after. */
  milestone: Milestone;
  /** The milestone and its alternatives, in module order. */
  options: Milestone[];
  /** Every milestone id whose completion meets the requirement. */
  acceptedIds: string[];
}

/** A milestone's own id followed by the ids it replaces. */
export function acceptedIds(milestone: Milestone): string[] {
  return [milestone.id, ...milestone.replaces];
}

/** The requirements of one module, in order (alternatives fold into the milestone they stand in for). */
export function moduleRequirements(module: CurriculumModule): Requirement[] {
  return module.milestones
    .filter((milestone) => !milestone.alternativeTo)
    .map((milestone) => {
      const options = [
        milestone,
        ...module.milestones.filter((other) => other.alternativeTo === milestone.id),
      ];
      return { module, milestone, options, acceptedIds: options.flatMap(acceptedIds) };
    });
}

/** Every requirement of a track, in module order. */
export function trackRequirements(track: CurriculumTrack): Requirement[] {
  return track.modules.flatMap(moduleRequirements);
}

/** Every milestone id (current and replaced) that counts towards the track: what to read from the database. */
export function trackMilestoneIds(track: CurriculumTrack): string[] {
  return trackRequirements(track).flatMap((requirement) => requirement.acceptedIds);
}

/** True when one of the ids the requirement accepts has been completed. */
export function isMet(requirement: Requirement, completed: ReadonlySet<string>): boolean {
  return requirement.acceptedIds.some((id) => completed.has(id));
}

/** The milestones of a module shown as done: an option is done when its own id or a replaced id is completed. */
export function doneMilestoneIds(module: CurriculumModule, completed: ReadonlySet<string>): Set<string> {
  return new Set(
    module.milestones.filter((m) => acceptedIds(m).some((id) => completed.has(id))).map((m) => m.id),
  );
}

/**
 * Parallel arrays for SQL: every accepted id and the number of the requirement it meets, so a query
 * can count requirements met as `count(DISTINCT idx)` over `unnest($ids::text[], $indexes::int[])`.
 */
export function requirementIndex(track: CurriculumTrack): { ids: string[]; indexes: number[]; total: number } {
  const requirements = trackRequirements(track);
  const pairs = requirements.flatMap((requirement, index) => requirement.acceptedIds.map((id) => [id, index] as const));
  return { ids: pairs.map(([id]) => id), indexes: pairs.map(([, index]) => index), total: requirements.length };
}
