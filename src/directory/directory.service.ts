import type { EntityManager } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { assertAdmin } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, NotFound } from '../web/errors';
import { ChapterPage } from './chapter-page.entity';
import type { ChapterPageInput } from './directory.schemas';
import { canEditChapterPage } from './directory.policy';
import { countryName, US_STATES } from './places';
import type { PublicWorkshop } from './view-models';

/** A chapter as the public directory lists it. */
export interface DirectoryChapter {
  slug: string;
  name: string;
  region: string;
  countryCode: string;
  stateCode: string | null;
}

export interface StateTile {
  code: string;
  name: string;
  row: number;
  col: number;
  chapters: DirectoryChapter[];
}

export interface Directory {
  /** Every US state, DC and PR, with its listed chapters (possibly none). */
  states: StateTile[];
  /** US chapters whose state is not set yet. */
  usUnplaced: DirectoryChapter[];
  /** Chapters elsewhere, by country name, each list by region. */
  abroad: { countryCode: string; countryName: string; chapters: DirectoryChapter[] }[];
  total: number;
}

/** What a public chapter page shows of the chapter itself. */
export interface PublicChapter extends DirectoryChapter {
  chapterId: string;
  about: string;
  meetingWhen: string;
  meetingWhere: string;
  contact: string;
  links: string[];
  listed: boolean;
}

/** The edit form's starting point: the chapter, and its page when it has one. */
export interface EditableChapterPage {
  chapter: { id: string; name: string; countryCode: string; stateCode: string | null };
  page: ChapterPage | null;
}

const SLUG_TAKEN = 'Another chapter already uses this address.';

/** The public directory of chapters and each chapter's public page. */
export class DirectoryService {
  /** Every chapter with a listed page, by state (US) or country and region (elsewhere); one query. */
  async directory(manager: EntityManager): Promise<Directory> {
    const rows = await manager.query<DirectoryChapter[]>(
      `SELECT p.slug, c.name, c.region, c.country_code AS "countryCode", c.state_code AS "stateCode"
         FROM chapter_pages p JOIN chapters c ON c.id = p.chapter_id
        WHERE p.listed ORDER BY c.name`,
    );
    const byState = new Map<string, DirectoryChapter[]>();
    const abroad = new Map<string, DirectoryChapter[]>();
    const usUnplaced: DirectoryChapter[] = [];
    for (const row of rows) {
      if (row.countryCode !== 'US')
        abroad.set(row.countryCode, [...(abroad.get(row.countryCode) ?? []), row]);
      else if (row.stateCode && US_STATES.some((s) => s.code === row.stateCode))
        byState.set(row.stateCode, [...(byState.get(row.stateCode) ?? []), row]);
      else usUnplaced.push(row);
    }
    const byRegion = (a: DirectoryChapter, b: DirectoryChapter) =>
      a.region.localeCompare(b.region) || a.name.localeCompare(b.name);
    return {
      states: US_STATES.map((s) => ({ ...s, chapters: byState.get(s.code) ?? [] })),
      usUnplaced,
      abroad: [...abroad]
        .map(([code, chapters]) => ({
          countryCode: code,
          countryName: countryName(code) ?? code,
          chapters: chapters.sort(byRegion),
        }))
        .sort((a, b) => a.countryName.localeCompare(b.countryName)),
      total: rows.length,
    };
  }

  /** The chapter behind a public address, listed or not; NotFound for an unknown address. */
  async publicChapter(manager: EntityManager, slug: string): Promise<PublicChapter> {
    const rows = await manager.query<(Omit<PublicChapter, 'links'> & { links: string })[]>(
      `SELECT c.id AS "chapterId", p.slug, c.name, c.region, c.country_code AS "countryCode",
              c.state_code AS "stateCode", p.about, p.meeting_when AS "meetingWhen",
              p.meeting_where AS "meetingWhere", p.contact, p.links, p.listed
         FROM chapter_pages p JOIN chapters c ON c.id = p.chapter_id WHERE p.slug = $1`,
      [slug],
    );
    if (!rows[0]) throw new NotFound('There is no chapter at this address.');
    return { ...rows[0], links: rows[0].links.split('\n').filter(Boolean) };
  }

  /** The chapter's upcoming workshops marked public, soonest first (at most 10). */
  publicWorkshops(manager: EntityManager, chapterId: string): Promise<PublicWorkshop[]> {
    return manager.query<PublicWorkshop[]>(
      `SELECT title, starts_at AS "startsAt", ends_at AS "endsAt", time_zone AS "timeZone", location
         FROM workshops WHERE chapter_id = $1 AND public AND cancelled_at IS NULL AND ends_at > now()
        ORDER BY starts_at LIMIT 10`,
      [chapterId],
    );
  }

  /** The chapter id behind a public address, for someone who may edit its page (NotFound otherwise). */
  async chapterIdForEditor(manager: EntityManager, actor: SessionUser | undefined, slug: string) {
    assertAdmin(actor);
    const page = await manager.findOneBy(ChapterPage, { slug });
    if (!page || !canEditChapterPage(actor, page.chapterId))
      throw new NotFound('There is no chapter at this address.');
    return page.chapterId;
  }

  /** The chapter and its page (null before the first save), for its editors; NotFound for others. */
  async editable(
    manager: EntityManager,
    actor: SessionUser | undefined,
    chapterId: string,
  ): Promise<EditableChapterPage> {
    assertAdmin(actor);
    const chapter = canEditChapterPage(actor, chapterId)
      ? await manager.findOneBy(Chapter, { id: chapterId })
      : null;
    if (!chapter) throw new NotFound('That chapter does not exist.');
    const page = await manager.findOneBy(ChapterPage, { chapterId });
    const { id, name, countryCode, stateCode } = chapter;
    return { chapter: { id, name, countryCode, stateCode }, page };
  }

  /**
   * Creates or updates a chapter's public page and sets the chapter's country and state. Academy
   * admins and the chapter's own admins only; audited. Throws Conflict when the address is taken.
   */
  async save(
    manager: EntityManager,
    actor: SessionUser | undefined,
    chapterId: string,
    input: ChapterPageInput,
  ): Promise<ChapterPage> {
    const { chapter, page } = await this.editable(manager, actor, chapterId);
    const { countryCode, stateCode, ...fields } = input;
    await manager.update(Chapter, { id: chapter.id }, { countryCode, stateCode });
    let saved: ChapterPage;
    try {
      saved = await manager.save(
        Object.assign(page ?? manager.create(ChapterPage, { chapterId }), fields, { updatedBy: actor!.id }),
      );
    } catch (error) {
      if (uniqueViolation(error)) throw new Conflict(SLUG_TAKEN, { slug: SLUG_TAKEN });
      throw error;
    }
    await recordAudit(manager, {
      actorId: actor!.id,
      action: page ? 'chapter_page.updated' : 'chapter_page.created',
      subjectType: 'chapter',
      subjectId: chapterId,
      details: { slug: saved.slug, listed: saved.listed, countryCode, stateCode },
    });
    return saved;
  }
}
