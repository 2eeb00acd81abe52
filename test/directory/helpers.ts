import type { EntityManager } from 'typeorm';
import type { Chapter } from '../../src/accounts/chapter.entity';
import { ChapterPage } from '../../src/directory/chapter-page.entity';
import { createChapter } from '../helpers/factories';

/** A chapter with a public page, written straight to the database. */
export async function chapterWithPage(
  m: EntityManager,
  chapter: Partial<Chapter> = {},
  page: Partial<ChapterPage> = {},
): Promise<{ chapter: Chapter; page: ChapterPage }> {
  const made = await createChapter(m, chapter);
  const slug = made.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const saved = await m.save(m.create(ChapterPage, { chapterId: made.id, slug, ...page }));
  return { chapter: made, page: saved };
}
