import type { DataSource, EntityManager } from 'typeorm';
import { NO_GROUP } from '../../migrations/1795890000000-ReportAggregates';
import type { Curriculum } from '../../src/curriculum/curriculum.types';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';

/**
 * Scaffolding for the tests of summaries the database keeps (report counts, funnels, stalled
 * lists, learner and award counts, evidence waiting for an admin): the kept rows must always equal
 * the same figures recomputed from the source rows, and a rebuild from scratch must not change them.
 */

/** The groups kept summaries are compared for: everyone, each of two chapters, and a cohort. */
export function reportGroups(
  chapterA: string,
  chapterB: string,
  cohortId: string,
): { chapterId: string | null; cohortId: string | null }[] {
  return [
    { chapterId: null, cohortId: null },
    { chapterId: chapterA, cohortId: null },
    { chapterId: chapterB, cohortId: null },
    { chapterId: null, cohortId },
  ];
}

/** Asserts the rows of `keptSql` equal those of `recomputedSql` (both ordered the same way). */
export async function expectKeptEqualsRecomputed(
  manager: EntityManager,
  keptSql: string,
  recomputedSql: string,
  params: unknown[] = [],
): Promise<void> {
  const kept = await manager.query<unknown[]>(keptSql);
  const recomputed = await manager.query<unknown[]>(recomputedSql, params);
  expect(kept).toEqual(recomputed);
}

/** Asserts that running `rebuildSql` (a set-based rebuild from scratch) leaves `keptSql`'s rows as they were. */
export async function expectRebuildKeepsKept(
  manager: EntityManager,
  keptSql: string,
  rebuildSql: string,
): Promise<void> {
  const kept = await manager.query<unknown[]>(keptSql);
  await manager.query(rebuildSql);
  expect(await manager.query<unknown[]>(keptSql)).toEqual(kept);
}

/** Applies each named change in order and runs `check` after it; a failure names the change. */
export async function expectAfterEachChange(
  changes: [string, () => Promise<unknown>][],
  check: () => Promise<void>,
): Promise<void> {
  for (const [what, apply] of changes) {
    await apply();
    await check().catch((error: Error) => {
      throw new Error(`after ${what}: ${error.message}`);
    });
  }
}

/** Rows of `{ key, n }` as a key → n record. */
export async function countsByKey(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, number>> {
  const rows = await manager.query<{ key: string; n: number }[]>(sql, params);
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

/** Rows of `{ chapter_id, n }` as a chapter → n map (null: no chapter), as the report measures answer. */
export async function countsByChapter(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<Map<string | null, number>> {
  const rows = await manager.query<{ chapter_id: string | null; n: number }[]>(sql, params);
  return new Map(rows.map((r) => [r.chapter_id, r.n]));
}

/** SQL: the UTC month (span 1) or quarter (span 3) that `column` falls in, for the span `s.span`. */
export const periodStartSql = (column: string) =>
  `(CASE s.span WHEN 1 THEN date_trunc('month', ${column} AT TIME ZONE 'UTC')
                ELSE date_trunc('quarter', ${column} AT TIME ZONE 'UTC') END)::date`;

/** A month-and-quarter count table's non-zero rows, as "span|start|chapter" → n. */
export const keptByPeriod = (manager: EntityManager, table: string) =>
  countsByKey(
    manager,
    `SELECT span || '|' || start::text || '|' || chapter_key AS key, n FROM ${table} WHERE n <> 0`,
  );

/**
 * The same recounted from the source rows: `count` over `from` (which joins the person as `u`),
 * filtered by `where`, per month and quarter of `at` and the person's current chapter.
 */
export function recountByPeriod(
  manager: EntityManager,
  recount: { count: string; from: string; at: string; where?: string },
): Promise<Record<string, number>> {
  return countsByKey(
    manager,
    `SELECT s.span || '|' || ${periodStartSql(recount.at)}::text
              || '|' || coalesce(u.chapter_id, $1::uuid) AS key, ${recount.count} AS n
         FROM ${recount.from} CROSS JOIN (VALUES (1), (3)) AS s(span)
        ${recount.where ? `WHERE ${recount.where}` : ''} GROUP BY 1`,
    [NO_GROUP],
  );
}

/** Records a completion of `milestoneId` for `userId`, its module and track taken from the curriculum. */
export function recordCompletion(
  manager: EntityManager,
  curriculum: Curriculum,
  userId: string,
  milestoneId: string,
  completedAt: Date,
) {
  const found = curriculum.milestoneById.get(milestoneId)!;
  return manager.insert(MilestoneCompletion, {
    userId,
    milestoneId,
    moduleId: found.module.id,
    trackId: found.module.trackId,
    source: 'coach',
    completedAt,
  });
}

/**
 * One transaction per milestone, all at once, each recording that completion for `userId` (the
 * i-th dated i days ago) and staying open a moment so the others overlap it.
 */
export function completionsAtOnce(
  dataSource: DataSource,
  curriculum: Curriculum,
  userId: string,
  milestoneIds: string[],
): Promise<void>[] {
  return milestoneIds.map((milestoneId, i) =>
    dataSource.transaction(async (m) => {
      await recordCompletion(m, curriculum, userId, milestoneId, new Date(Date.now() - i * 86_400_000));
      await m.query('SELECT pg_sleep(0.02)');
    }),
  );
}
