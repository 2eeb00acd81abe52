import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NO_GROUP } from './1795890000000-ReportAggregates';

/** The spans kept: whole UTC calendar months (1) and quarters (3). */
const SPANS = `(VALUES (1::smallint), (3::smallint)) AS s(span)`;

/** The first day (UTC) of the month or quarter `span` holding the timestamp `at`. */
const startOf = (at: string) =>
  `(CASE s.span WHEN 1 THEN date_trunc('month', ${at} AT TIME ZONE 'UTC')
                ELSE date_trunc('quarter', ${at} AT TIME ZONE 'UTC') END)::date`;

/** Period deltas (user_id, span, start, n) of completions-shaped `rows`. */
const periodDeltas = (rows: string, sign: number) =>
  `SELECT r.user_id, s.span, ${startOf('r.completed_at')} AS start, ${sign} AS n FROM ${rows} r CROSS JOIN ${SPANS}`;

/** Rows of `a` with no row of the same id, person and time in `b` (what an update really changed). */
const changedIn = (a: string, b: string) =>
  `(SELECT x.* FROM ${a} x WHERE NOT EXISTS (SELECT 1 FROM ${b} y
     WHERE y.id = x.id AND y.user_id = x.user_id AND y.completed_at = x.completed_at))`;

/** Adds (span, start, chapter_key, n) deltas to the counts; concurrent writers add up, in key order. */
const addCounts = (deltas: string) => `
  INSERT INTO learner_counts (span, start, chapter_key, n)
  SELECT span, start, chapter_key, sum(n) FROM (${deltas}) d
   GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (span, start, chapter_key) DO UPDATE SET n = learner_counts.n + EXCLUDED.n;`;

/**
 * Applies period deltas of people still there: a person's period row gains or loses completions;
 * a period going from none to some adds the person to their current chapter's count, one going to
 * none takes them out (and its row goes).
 */
const applyDeltas = (deltas: string) => `
  ids := ARRAY(SELECT DISTINCT d.user_id FROM (${deltas}) d);
  IF cardinality(ids) = 0 THEN RETURN NULL; END IF;
  PERFORM progress_lock(ids);
  WITH d AS (
    SELECT d.user_id, d.span, d.start, sum(d.n)::int AS n FROM (${deltas}) d
      JOIN users u ON u.id = d.user_id
     GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0),
  up AS (
    INSERT INTO learner_periods (user_id, span, start, completions)
    SELECT user_id, span, start, n FROM d ORDER BY 1, 2, 3
    ON CONFLICT (user_id, span, start) DO UPDATE SET completions = learner_periods.completions + EXCLUDED.completions
    RETURNING user_id, span, start, completions)
  ${addCounts(`
    SELECT up.span, up.start, coalesce(u.chapter_id, '${NO_GROUP}'::uuid) AS chapter_key,
           CASE WHEN up.completions = 0 THEN -1 WHEN up.completions = d.n AND d.n > 0 THEN 1 ELSE 0 END AS n
      FROM up JOIN d USING (user_id, span, start) JOIN users u ON u.id = up.user_id`)}
  DELETE FROM learner_periods WHERE user_id = ANY(ids) AND completions = 0;`;

const FK = `ALTER TABLE "learner_periods" ADD CONSTRAINT "FK_learner_periods_user" FOREIGN KEY ("user_id")
  REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`;

/**
 * Everything recounted from the completions (backfill, bulk seeds): months first, quarters from
 * them. The person key is checked once for the whole table afterwards, not row by row.
 */
export const LEARNER_PERIODS_REBUILD = `
  LOCK TABLE learner_periods, learner_counts IN ACCESS EXCLUSIVE MODE;
  ALTER TABLE learner_periods DROP CONSTRAINT "FK_learner_periods_user";
  TRUNCATE learner_periods, learner_counts;
  INSERT INTO learner_periods (user_id, span, start, completions)
  SELECT user_id, 1, date_trunc('month', completed_at AT TIME ZONE 'UTC')::date, count(*)
    FROM milestone_completions GROUP BY 1, 3;
  INSERT INTO learner_periods (user_id, span, start, completions)
  SELECT user_id, 3, date_trunc('quarter', start)::date, sum(completions)
    FROM learner_periods WHERE span = 1 GROUP BY 1, 3;
  INSERT INTO learner_counts (span, start, chapter_key, n)
  SELECT p.span, p.start, coalesce(u.chapter_id, '${NO_GROUP}'::uuid), count(*)
    FROM learner_periods p JOIN users u ON u.id = p.user_id GROUP BY 1, 2, 3;
  ${FK};`;

/**
 * Active learners kept by the database in the same transaction as every change they depend on:
 * learner_periods holds, per person, each UTC month (span 1) and quarter (span 3) in which they
 * completed something and how many completions; learner_counts holds, per period and chapter, how
 * many people that is (distinct people cannot be summed across periods, so both spans are kept).
 * Completions added, withdrawn, re-dated or moved to someone else change the person's periods under
 * the per-person progress lock; a change of chapter moves all their periods' counts; a deleted
 * person is counted out before the row goes. Every role counts, as the report always did.
 */
export class LearnerPeriods1795891600000 implements MigrationInterface {
  name = 'LearnerPeriods1795891600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "learner_periods" ("user_id" uuid NOT NULL, "span" smallint NOT NULL, "start" date NOT NULL,
         "completions" integer NOT NULL, CONSTRAINT "PK_learner_periods" PRIMARY KEY ("user_id", "span", "start"))`,
    );
    await queryRunner.query(FK);
    await queryRunner.query(
      `CREATE TABLE "learner_counts" ("span" smallint NOT NULL, "start" date NOT NULL, "chapter_key" uuid NOT NULL,
         "n" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_learner_counts" PRIMARY KEY ("span", "start", "chapter_key"))`,
    );

    await queryRunner.query(`
      CREATE FUNCTION learner_periods_after_completions() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE ids uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN ${applyDeltas(periodDeltas('new_rows', 1))}
        ELSIF TG_OP = 'DELETE' THEN ${applyDeltas(periodDeltas('old_rows', -1))}
        ELSE ${applyDeltas(
          `${periodDeltas(changedIn('old_rows', 'new_rows'), -1)} UNION ALL ${periodDeltas(changedIn('new_rows', 'old_rows'), 1)}`,
        )}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "learner_periods_after_${event.toLowerCase()}" AFTER ${event} ON "milestone_completions"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION learner_periods_after_completions()`,
      );

    // A change of chapter moves the person's periods from the old chapter's counts to the new one's.
    const key = (r: string) => `coalesce(${r}.chapter_id, '${NO_GROUP}'::uuid)`;
    await queryRunner.query(`
      CREATE FUNCTION learner_periods_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE moved uuid[];
      BEGIN
        moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
                        WHERE n.chapter_id IS DISTINCT FROM o.chapter_id);
        IF cardinality(moved) = 0 THEN RETURN NULL; END IF;
        PERFORM progress_lock(moved);
        ${addCounts(`
          SELECT p.span, p.start, k.chapter_key, k.sign AS n
            FROM (SELECT id, ${key('o')} AS chapter_key, -1 AS sign FROM old_rows o WHERE id = ANY(moved)
                  UNION ALL SELECT id, ${key('n')}, 1 FROM new_rows n WHERE id = ANY(moved)) k
            JOIN learner_periods p ON p.user_id = k.id`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "learner_periods_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION learner_periods_after_users()`,
    );
    // A deleted person is counted out while their row and periods are still there.
    await queryRunner.query(`
      CREATE FUNCTION learner_periods_before_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM progress_lock(ARRAY[OLD.id]);
        ${addCounts(`SELECT span, start, ${key('OLD')} AS chapter_key, -1 AS n FROM learner_periods WHERE user_id = OLD.id`)}
        DELETE FROM learner_periods WHERE user_id = OLD.id;
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "learner_periods_before_delete" BEFORE DELETE ON "users"
         FOR EACH ROW EXECUTE FUNCTION learner_periods_before_user_delete()`,
    );

    await queryRunner.query(
      `CREATE FUNCTION learner_periods_rebuild() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ${LEARNER_PERIODS_REBUILD} END $$`,
    );
    await queryRunner.query('SELECT learner_periods_rebuild()');
    await queryRunner.query('ANALYZE learner_periods, learner_counts');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete'])
      await queryRunner.query(`DROP TRIGGER "learner_periods_after_${event}" ON "milestone_completions"`);
    await queryRunner.query('DROP TRIGGER "learner_periods_after_update" ON "users"');
    await queryRunner.query('DROP TRIGGER "learner_periods_before_delete" ON "users"');
    await queryRunner.query('DROP FUNCTION learner_periods_before_user_delete()');
    await queryRunner.query('DROP FUNCTION learner_periods_after_users()');
    await queryRunner.query('DROP FUNCTION learner_periods_after_completions()');
    await queryRunner.query('DROP FUNCTION learner_periods_rebuild()');
    await queryRunner.query('DROP TABLE "learner_counts"');
    await queryRunner.query('DROP TABLE "learner_periods"');
  }
}
