import type { Curriculum } from '../curriculum/curriculum.types';
import { ValidationFailed } from '../web/errors';

/** What a post is about in the curriculum: a module, or a milestone (and then its module). */
export interface CurriculumLink {
  moduleId: string | null;
  milestoneId: string | null;
}

export const NO_LINK: CurriculumLink = { moduleId: null, milestoneId: null };

/** One choice of the "about" select: `module:<id>` or `milestone:<id>`, grouped by track. */
export interface LinkOption {
  value: string;
  label: string;
}

/** The modules and milestones a post may link, by track, in curriculum order. */
export function linkOptions(curriculum: Curriculum): { track: string; options: LinkOption[] }[] {
  return curriculum.tracks.map((track) => ({
    track: track.title,
    options: track.modules.flatMap((module) => [
      { value: `module:${module.id}`, label: module.title },
      ...module.milestones.map((m) => ({ value: `milestone:${m.id}`, label: `${module.title}: ${m.title}` })),
    ]),
  }));
}

/**
 * Reads the "about" choice against the loaded curriculum: '' links nothing; an unknown module or
 * milestone throws ValidationFailed on the `link` field.
 */
export function parseLink(value: string, curriculum: Curriculum): CurriculumLink {
  if (!value) return NO_LINK;
  const [kind, id = ''] = value.split(':', 2);
  if (kind === 'module' && curriculum.moduleById.has(id)) return { moduleId: id, milestoneId: null };
  const milestone = kind === 'milestone' ? curriculum.milestoneById.get(id) : undefined;
  if (milestone) return { moduleId: milestone.module.id, milestoneId: id };
  throw new ValidationFailed({ link: 'Choose a module or milestone from the list, or nothing.' });
}

/** The select value for a stored link. */
export function linkValue(link: CurriculumLink): string {
  if (link.milestoneId) return `milestone:${link.milestoneId}`;
  return link.moduleId ? `module:${link.moduleId}` : '';
}

/** Title and page of a stored link; null when nothing is linked or the curriculum no longer has it. */
export function linkView(
  curriculum: Curriculum,
  link: CurriculumLink,
): { title: string; url: string } | null {
  const module = link.moduleId ? curriculum.moduleById.get(link.moduleId) : undefined;
  if (!module) return null;
  const url = `/tracks/${module.trackId}/${module.id}`;
  const milestone = link.milestoneId ? curriculum.milestoneById.get(link.milestoneId) : undefined;
  if (milestone)
    return {
      title: `${module.title}: ${milestone.milestone.title}`,
      url: `${url}#milestone-${link.milestoneId}`,
    };
  return { title: module.title, url };
}
