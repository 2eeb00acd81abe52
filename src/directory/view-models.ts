import { renderUserMarkdown } from '../coaching/user-markdown';
import { formatRange } from '../web/time-zones';
import type { Directory, DirectoryChapter, PublicChapter } from './directory.service';
import { countryName, usStateName } from './places';
import type { PublicStory } from './story-lists';

/** Upcoming public gatherings of the chapter (filled in by the gatherings feature). */
export interface PageGathering {
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  url: string;
}
/** The chapter's projects (filled in by the projects feature). */
export interface PageProject {
  title: string;
  status: string;
  url: string;
}
/** Certified organizers who chose to be listed (filled in by the talent listing). */
export interface PageTalent {
  name: string;
  certificateUrl: string;
  note: string;
}
/** Sections other features fill; each is shown only when it has something in it. */
export interface ChapterPageSlots {
  gatherings?: PageGathering[];
  projects?: PageProject[];
  talent?: PageTalent[];
}

export interface PublicWorkshop {
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: string;
}

const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** "Boston, MA · Massachusetts" or "Toronto · Canada": where a chapter is, for people. */
export function placeLabel(chapter: DirectoryChapter): string {
  const where =
    chapter.countryCode === 'US'
      ? usStateName(chapter.stateCode)
      : (countryName(chapter.countryCode) ?? chapter.countryCode);
  return [chapter.region, where].filter(Boolean).join(' · ');
}

const chapterLink = (c: DirectoryChapter) => ({ name: c.name, region: c.region, url: `/chapters/${c.slug}` });

/** Tiles 40 units square with 4 between: the map's viewBox is 12 × 8 tiles. */
export const TILE = 44;

/** The directory page: the tile map, the table beside it, and the lists. */
export function directoryView(directory: Directory) {
  const states = directory.states.map((s) => ({
    code: s.code,
    name: s.name,
    count: s.chapters.length,
    x: s.col * TILE,
    y: s.row * TILE,
    anchor: `state-${s.code.toLowerCase()}`,
    chapters: s.chapters.map(chapterLink),
  }));
  return {
    pageTitle: 'Chapters',
    total: directory.total,
    mapWidth: 12 * TILE,
    mapHeight: 8 * TILE,
    states,
    withChapters: states.filter((s) => s.count > 0),
    usUnplaced: directory.usUnplaced.map(chapterLink),
    abroad: directory.abroad.map((country) => ({
      name: country.countryName,
      anchor: `country-${country.countryCode.toLowerCase()}`,
      chapters: country.chapters.map(chapterLink),
    })),
  };
}

function contactOf(contact: string) {
  if (!contact) return null;
  return {
    text: contact,
    href: contact.includes('@') && !contact.includes('/') ? `mailto:${contact}` : contact,
  };
}

/** A chapter's public page; the slots other features fill are shown only when non-empty. */
export function chapterPageView(
  chapter: PublicChapter,
  workshops: PublicWorkshop[],
  stories: PublicStory[],
  slots: ChapterPageSlots = {},
) {
  return {
    pageTitle: chapter.name,
    chapter: {
      name: chapter.name,
      slug: chapter.slug,
      place: placeLabel(chapter),
      listed: chapter.listed,
      meetingWhen: chapter.meetingWhen,
      meetingWhere: chapter.meetingWhere,
      contact: contactOf(chapter.contact),
      links: chapter.links,
    },
    aboutHtml: chapter.about ? renderUserMarkdown(chapter.about) : '',
    workshops: workshops.map((w) => ({
      title: w.title,
      when: formatRange(w.startsAt, w.endsAt, w.timeZone),
      location: w.location,
    })),
    stories: stories.map((s) => ({
      id: s.id,
      title: s.title,
      authorName: s.authorName,
      date: day.format(s.publishedAt),
    })),
    gatherings: (slots.gatherings ?? []).map((g) => ({
      title: g.title,
      // Written like the workshops above it and the gathering's own page.
      when: formatRange(g.startsAt, g.endsAt, g.timeZone),
      url: g.url,
    })),
    projects: slots.projects ?? [],
    talent: slots.talent ?? [],
    opportunitiesUrl: `/opportunities?${new URLSearchParams({ chapterId: chapter.chapterId }).toString()}`,
  };
}

/** The chapter's stories page: each story's approved text, rendered safely. */
export function storiesPageView(chapter: PublicChapter, stories: PublicStory[]) {
  return {
    pageTitle: `Stories from ${chapter.name}`,
    chapter: { name: chapter.name, slug: chapter.slug },
    stories: stories.map((s) => ({
      id: s.id,
      title: s.title,
      authorName: s.authorName,
      date: day.format(s.publishedAt),
      bodyHtml: renderUserMarkdown(s.body),
    })),
  };
}
