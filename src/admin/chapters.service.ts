import type { EntityManager } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { assertAcademyAdmin, assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, NotFound } from '../web/errors';

/** A chapter as filters and forms need it: read from the chapters table alone. */
export interface ChapterChoice {
  id: string;
  name: string;
  region: string;
}

export interface ChapterView extends ChapterChoice {
  memberCount: number;
}

export interface ChapterInput {
  name: string;
  region: string;
  timeZone: string | null;
  /** ISO 3166-1 alpha-2 ('US' when not given). */
  countryCode?: string;
  /** A US state code (or another country's subdivision); null while unknown. */
  stateCode?: string | null;
}

const NAME_TAKEN = 'Another chapter already has this name.';

/** Chapters are local groups (e.g. "Code for Boston"); people may belong to one. */
export class ChaptersService {
  /** Every chapter by name (for filters and forms; no member counts). Any signed-in person may need the names. */
  async list(manager: EntityManager): Promise<ChapterChoice[]> {
    return manager
      .createQueryBuilder(Chapter, 'chapter')
      .select(['chapter.id AS id', 'chapter.name AS name', 'chapter.region AS region'])
      .orderBy('chapter.name', 'ASC')
      .getRawMany<ChapterChoice>();
  }

  /** Every chapter by name with its member count (the chapter management page). */
  private async listCounted(manager: EntityManager): Promise<ChapterView[]> {
    const rows = await manager
      .createQueryBuilder(Chapter, 'chapter')
      .leftJoin(User, 'member', 'member.chapter_id = chapter.id')
      .select(['chapter.id AS id', 'chapter.name AS name', 'chapter.region AS region'])
      .addSelect('COUNT(member.id)::int', 'memberCount')
      .groupBy('chapter.id')
      .orderBy('chapter.name', 'ASC')
      .getRawMany<ChapterView>();
    return rows;
  }

  /** The zone a chapter's members see times in, when the chapter has one. */
  async timeZoneOf(
    manager: EntityManager,
    chapterId: string | null | undefined,
  ): Promise<string | undefined> {
    if (!chapterId) return undefined;
    const chapter = await manager.findOne(Chapter, { where: { id: chapterId }, select: { timeZone: true } });
    return chapter?.timeZone ?? undefined;
  }

  /** The chapter management page: academy-wide admins only. */
  async listForManagement(manager: EntityManager, actor: SessionUser | undefined): Promise<ChapterView[]> {
    assertAcademyAdmin(actor);
    return this.listCounted(manager);
  }

  /** Chapters someone may pick in a form: a chapter-scoped admin only their own. */
  async choicesFor(manager: EntityManager, actor: SessionUser | undefined): Promise<ChapterChoice[]> {
    const scope = actor ? scopeOf(actor) : null;
    const all = await this.list(manager);
    return scope ? all.filter((c) => c.id === scope) : all;
  }

  /** The chapters an admin may use in forms: their own when limited to one, else all. */
  async forAdmin(manager: EntityManager, actor: SessionUser | undefined): Promise<ChapterChoice[]> {
    const scope = scopeOf(assertAdmin(actor));
    const all = await this.list(manager);
    return scope ? all.filter((c) => c.id === scope) : all;
  }

  async get(manager: EntityManager, actor: SessionUser | undefined, chapterId: string): Promise<Chapter> {
    assertAcademyAdmin(actor);
    const chapter = await manager.findOne(Chapter, { where: { id: chapterId } });
    if (!chapter) throw new NotFound('That chapter does not exist.');
    return chapter;
  }

  private async saveUnique(manager: EntityManager, chapter: Chapter): Promise<Chapter> {
    try {
      return await manager.save(chapter);
    } catch (error) {
      if (uniqueViolation(error)) throw new Conflict(NAME_TAKEN, { name: NAME_TAKEN });
      throw error;
    }
  }

  async create(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: ChapterInput,
  ): Promise<Chapter> {
    const admin = assertAcademyAdmin(actor);
    const chapter = await this.saveUnique(manager, manager.create(Chapter, input));
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'chapter.created',
      subjectType: 'chapter',
      subjectId: chapter.id,
      details: { ...input },
    });
    return chapter;
  }

  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    chapterId: string,
    input: ChapterInput,
  ): Promise<Chapter> {
    const admin = assertAcademyAdmin(actor);
    const chapter = await this.get(manager, admin, chapterId);
    const saved = await this.saveUnique(manager, Object.assign(chapter, input));
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'chapter.updated',
      subjectType: 'chapter',
      subjectId: chapter.id,
      details: { ...input },
    });
    return saved;
  }
}
