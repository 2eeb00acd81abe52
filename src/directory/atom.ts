import { Feed } from 'feed';
import ejs from 'ejs';
import { renderUserMarkdown } from '../coaching/user-markdown';
import type { PublicStory } from './story-lists';

export const ATOM_TYPE = 'application/atom+xml; charset=utf-8';

/** Text inside CDATA may not hold "]]>"; in HTML, "&gt;" means the same character. */
const cdataSafe = (html: string) => html.replace(/]]>/g, ']]&gt;');

/**
 * A chapter's public stories as an Atom 1.0 feed (RFC 4287), written by the `feed` library. Titles
 * are plain text escaped as HTML (the library marks them type="html"); each story's content is its
 * approved Markdown rendered by the same sanitiser as everything people write (no raw HTML, no
 * scripts, safe links). Entry ids are `urn:uuid:` of the post, stable across edits.
 */
export function storiesAtom(options: {
  baseUrl: string;
  slug: string;
  chapterName: string;
  stories: PublicStory[];
}): string {
  const { baseUrl, slug, chapterName, stories } = options;
  const page = `${baseUrl}/chapters/${slug}/stories`;
  const feed = new Feed({
    title: `Stories from ${chapterName}`,
    description: `Stories the organizers of ${chapterName} chose to share.`,
    id: page,
    link: page,
    feedLinks: { atom: `${page}.atom` },
    updated:
      stories.reduce<Date | undefined>(
        (latest, s) => (!latest || s.updatedAt > latest ? s.updatedAt : latest),
        undefined,
      ) ?? new Date(0),
    copyright: `The authors of these stories`,
    generator: 'Organizer Academy',
  });
  for (const story of stories)
    feed.addItem({
      title: cdataSafe(ejs.escapeXML(story.title)),
      id: `urn:uuid:${story.id}`,
      link: `${page}#story-${story.id}`,
      date: story.updatedAt,
      published: story.publishedAt,
      content: cdataSafe(renderUserMarkdown(story.body)),
      author: [{ name: story.authorName }],
    });
  return feed.atom1();
}
