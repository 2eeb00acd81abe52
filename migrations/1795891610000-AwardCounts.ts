import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NO_GROUP } from './1795890000000-ReportAggregates';

/** The spans kept: whole UTC calendar months (1) and quarters (3). */
const SPANS = `(VALUES (1::smallint), (3::smallint)) AS s(span)`;

/** The first day (UTC) of the month or quarter `span` holding the timestamp `at`. */
const startOf = (at: string) =>
  `(CASE s.span WHEN 1 THEN date_trunc('month', ${at} AT TIME ZONE 'UTC')
                ELSE date_trunc('quarter', ${at} AT TIME ZONE 'UTC') END)::date`;

/** An award is a certificate's current version (a reissue supersedes the old version, same award). */
const AWARD = 'superseded_at IS NULL';

/** Deltas (user_id, span, start, n) of the awards among certificates-shaped `rows`. */
const awardDeltas = (rows: string, sign: number) =>
  `SELECT r.user_id, s.span, ${startOf('r.awarded_at')} AS start, ${sign} AS n
     FROM ${rows} r CROSS JOIN ${SPANS} WHERE r.${AWARD}`;

/** Rows of `a` whose holder, award date or being current differs in `b` (what an update changed). */
const changedIn = (a: string, b: string) =>
  `(SELECT x.* FROM ${a} x WHERE NOT EXISTS (SELECT 1 FROM ${b} y WHERE y.id = x.id
     AND y.user_id = x.user_id AND y.awarded_at = x.awarded_at AND (y.${AWARD}) = (x.${AWARD})))`;

/** Adds (span, start, chapter_key, n) deltas; concurrent writers add up, in key order. */
const addCounts = (deltas: string) => `
  INSERT INTO award_counts (span, start, chapter_key, n)
  SELECT span, start, chapter_key, sum(n) FROM (${deltas}) d
   GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (span, start, chapter_key) DO UPDATE SET n = award_counts.n + EXCLUDED.n;`;

/** Award deltas of people still there, under their current chapter (read after their lock). */
const applyDeltas = (deltas: string) => `
  ids := ARRAY(SELECT DISTINCT d.user_id FROM (${deltas}) d);
  IF cardinality(ids) = 0 THEN RETURN NULL; END IF;
  PERFORM progress_lock(ids);
  ${addCounts(`SELECT d.span, d.start, coalesce(u.chapter_id, '${NO_GROUP}'::uuid) AS chapter_key, d.n
                 FROM (${deltas}) d JOIN users u ON u.id = d.user_id`)}`;

const key = (r: string) => `coalesce(${r}.chapter_id, '${NO_GROUP}'::uuid)`;

/** Everything recounted from the certificates (backfill, bulk seeds). */
export const AWARD_COUNTS_REBUILD = `
  DELETE FROM award_counts;
  ${addCounts(`SELECT s.span, ${startOf('c.awarded_at')} AS start, ${key('u')} AS chapter_key, 1 AS n
                 FROM certificates c JOIN users u ON u.id = c.user_id CROSS JOIN ${SPANS} WHERE c.${AWARD}`)}`;

/**
 * Certificates awarded kept by the database in the same transaction as every change they depend
 * on: award_counts holds, per UTC month (span 1) and quarter (span 3) and the holder's current
 * chapter, how many awards (current versions of certificates, revoked or not) have their award date
 * there. A certificate issued, reissued, re-dated, moved or removed changes the counts under the
 * per-person progress lock; a change of chapter moves all the person's awards; a deleted person is
 * counted out before the row goes. Every role counts, as the report always did.
 */
export class AwardCounts1795891610000 implements MigrationInterface {
  name = 'AwardCounts1795891610000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "award_counts" ("span" smallint NOT NULL, "start" date NOT NULL, "chapter_key" uuid NOT NULL,
         "n" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_award_counts" PRIMARY KEY ("span", "start", "chapter_key"))`,
    );
    await queryRunner.query(`
      CREATE FUNCTION award_counts_after_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE ids uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN ${applyDeltas(awardDeltas('new_rows', 1))}
        ELSIF TG_OP = 'DELETE' THEN ${applyDeltas(awardDeltas('old_rows', -1))}
        ELSE ${applyDeltas(
          `${awardDeltas(changedIn('old_rows', 'new_rows'), -1)} UNION ALL ${awardDeltas(changedIn('new_rows', 'old_rows'), 1)}`,
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
        `CREATE TRIGGER "award_counts_after_${event.toLowerCase()}" AFTER ${event} ON "certificates"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION award_counts_after_certificates()`,
      );

    // A change of chapter moves the person's awards from the old chapter's counts to the new one's.
    await queryRunner.query(`
      CREATE FUNCTION award_counts_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE moved uuid[];
      BEGIN
        moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
                        WHERE n.chapter_id IS DISTINCT FROM o.chapter_id);
        IF cardinality(moved) = 0 THEN RETURN NULL; END IF;
        PERFORM progress_lock(moved);
        ${addCounts(`
          SELECT s.span, ${startOf('c.awarded_at')} AS start, k.chapter_key, k.sign AS n
            FROM (SELECT id, ${key('o')} AS chapter_key, -1 AS sign FROM old_rows o WHERE id = ANY(moved)
                  UNION ALL SELECT id, ${key('n')}, 1 FROM new_rows n WHERE id = ANY(moved)) k
            JOIN certificates c ON c.user_id = k.id AND c.${AWARD} CROSS JOIN ${SPANS}`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "award_counts_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION award_counts_after_users()`,
    );
    // A deleted person is counted out while their row is still there (certificates restrict it today).
    await queryRunner.query(`
      CREATE FUNCTION award_counts_before_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM progress_lock(ARRAY[OLD.id]);
        ${addCounts(`SELECT s.span, ${startOf('c.awarded_at')} AS start, ${key('OLD')} AS chapter_key, -1 AS n
                       FROM certificates c CROSS JOIN ${SPANS} WHERE c.user_id = OLD.id AND c.${AWARD}`)}
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "award_counts_before_delete" BEFORE DELETE ON "users"
         FOR EACH ROW EXECUTE FUNCTION award_counts_before_user_delete()`,
    );

    await queryRunner.query(
      `CREATE FUNCTION award_counts_rebuild() RETURNS void LANGUAGE sql AS $$ ${AWARD_COUNTS_REBUILD} $$`,
    );
    await queryRunner.query('SELECT award_counts_rebuild()');
    await queryRunner.query('ANALYZE award_counts');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete'])
      await queryRunner.query(`DROP TRIGGER "award_counts_after_${event}" ON "certificates"`);
    await queryRunner.query('DROP TRIGGER "award_counts_after_update" ON "users"');
    await queryRunner.query('DROP TRIGGER "award_counts_before_delete" ON "users"');
    await queryRunner.query('DROP FUNCTION award_counts_before_user_delete()');
    await queryRunner.query('DROP FUNCTION award_counts_after_users()');
    await queryRunner.query('DROP FUNCTION award_counts_after_certificates()');
    await queryRunner.query('DROP FUNCTION award_counts_rebuild()');
    await queryRunner.query('DROP TABLE "award_counts"');
  }
}
