import type { EntityManager } from 'typeorm';
import { upcomingPublicGatherings } from '../gatherings/gatherings.service';
import { listedTalentOfChapter, publicProjectsOfChapter } from '../projects';
import { STATUS_LABELS } from '../projects/projects.schemas';
import type { ChapterPageSlots } from './view-models';
import { countOf, formatCount } from '../web/format';

/** Public gatherings shown on a chapter page. */
export const CHAPTER_PAGE_GATHERINGS = 5;

/**
 * Fills a chapter page's slots from the gatherings and projects features: upcoming public gatherings,
 * public projects (status, latest "people helped", open roles; each links to the chapter's
 * opportunities, since project pages are for members) and the organizers who chose to be listed.
 */
export function chapterPageSlots(manager: EntityManager) {
  return async (chapterId: string): Promise<ChapterPageSlots> => {
    const [gatherings, projects, talent] = await Promise.all([
      upcomingPublicGatherings(manager, chapterId, CHAPTER_PAGE_GATHERINGS),
      publicProjectsOfChapter(manager, chapterId),
      listedTalentOfChapter(manager, chapterId),
    ]);
    const opportunities = `/opportunities?${new URLSearchParams({ chapterId }).toString()}`;
    return {
      gatherings: gatherings.map((g) => ({
        title: g.title,
        startsAt: g.startsAt,
        endsAt: g.endsAt,
        timeZone: g.timeZone,
        url: `/gatherings/${g.id}`,
      })),
      projects: projects.map((p) => ({
        title: p.name,
        status: [
          STATUS_LABELS[p.status],
          p.peopleHelped !== null && `${formatCount(p.peopleHelped)} ${p.unit ?? 'people'} helped`,
          p.openRoles > 0 && countOf(p.openRoles, 'open role', 'open roles'),
        ]
          .filter(Boolean)
          .join(' · '),
        url: opportunities,
      })),
      talent: talent.map((t) => ({ name: t.name, certificateUrl: t.certificatePath, note: t.note })),
    };
  };
}
