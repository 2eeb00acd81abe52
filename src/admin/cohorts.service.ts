import type { EntityManager } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { Cohort } from '../accounts/cohort.entity';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, ValidationFailed } from '../web/errors';

export interface CohortView {
  id: string;
  name: string;
  chapterId: string | null;
  chapterName: string | null;
  memberCount: number;
}

/** Cohorts to choose from, within an admin's chapter scope ($1; null: every chapter). */
const CHOICE_SELECT = `SELECT c.id, c.name, c.chapter_id AS "chapterId", ch.name AS "chapterName"
         FROM cohorts c LEFT JOIN chapters ch ON ch.id = c.chapter_id
        WHERE ($1::uuid IS NULL OR c.chapter_id = $1)`;

const NAME_TAKEN = 'Another cohort already has this name.';

/** Named groups of organizers (e.g. "Spring 2027"); chapter-scoped admins see their chapter's only. */
export class CohortsService {
  /** The cohorts an admin may pick in filters and forms (no member counts). */
  async list(
    manager: EntityManager,
    actor: SessionUser | undefined,
  ): Promise<Omit<CohortView, 'memberCount'>[]> {
    const scope = scopeOf(assertAdmin(actor));
    return manager.query<Omit<CohortView, 'memberCount'>[]>(
      `${CHOICE_SELECT} ORDER BY c.created_at DESC, c.name`,
      [scope],
    );
  }

  /**
   * The cohorts a report filter offers. With a chapter chosen: that chapter's cohorts and those of
   * no chapter. Without: every cohort, up to `limit`; beyond that (an academy of many chapters) only
   * those of no chapter and the chosen one, and `cohortsNarrowed` says so, so the page can say "choose a
   * chapter first" instead of offering thousands of options.
   */
  async forFilter(
    manager: EntityManager,
    actor: SessionUser | undefined,
    chosen: { chapterId: string | null; cohortId: string | null },
    limit = 200,
  ): Promise<{ cohorts: Omit<CohortView, 'memberCount'>[]; cohortsNarrowed: boolean }> {
    const scope = scopeOf(assertAdmin(actor));
    const order = 'ORDER BY c.created_at DESC, c.name';
    const chapterId = scope ?? chosen.chapterId;
    const cohorts = await manager.query<Omit<CohortView, 'memberCount'>[]>(
      `${CHOICE_SELECT} AND ($2::uuid IS NULL OR c.chapter_id = $2 OR c.chapter_id IS NULL) ${order} LIMIT $3`,
      [scope, chapterId, limit + 1],
    );
    if (chapterId || cohorts.length <= limit) return { cohorts, cohortsNarrowed: false };
    return {
      cohorts: await manager.query<Omit<CohortView, 'memberCount'>[]>(
        `${CHOICE_SELECT} AND (c.chapter_id IS NULL OR c.id = $2) ${order} LIMIT $3`,
        [scope, chosen.cohortId, limit],
      ),
      cohortsNarrowed: true,
    };
  }

  /** The cohorts page: every cohort in the admin's scope with its member count. */
  async listWithCounts(manager: EntityManager, actor: SessionUser | undefined): Promise<CohortView[]> {
    const admin = assertAdmin(actor);
    const scope = scopeOf(admin);
    return manager.query<CohortView[]>(
      `SELECT c.id, c.name, c.chapter_id AS "chapterId", ch.name AS "chapterName",
              (SELECT count(*)::int FROM users u WHERE u.cohort_id = c.id) AS "memberCount"
         FROM cohorts c LEFT JOIN chapters ch ON ch.id = c.chapter_id
        WHERE $1::uuid IS NULL OR c.chapter_id = $1
        ORDER BY c.created_at DESC, c.name`,
      [scope],
    );
  }

  async create(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: { name: string; chapterId: string | null },
  ): Promise<Cohort> {
    const admin = assertAdmin(actor);
    const scope = scopeOf(admin);
    const chapterId = scope ?? input.chapterId;
    if (chapterId && !(await manager.exists(Chapter, { where: { id: chapterId } })))
      throw new ValidationFailed({ chapterId: 'That chapter does not exist.' });
    let cohort: Cohort;
    try {
      cohort = await manager.save(manager.create(Cohort, { name: input.name, chapterId }));
    } catch (error) {
      if (uniqueViolation(error)) throw new Conflict(NAME_TAKEN, { name: NAME_TAKEN });
      throw error;
    }
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'cohort.created',
      subjectType: 'cohort',
      subjectId: cohort.id,
      details: { name: cohort.name, chapterId },
    });
    return cohort;
  }
}
