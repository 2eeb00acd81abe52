import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stands for "no chapter" / "no cohort" in the aggregates' keys (keys cannot be NULL). */
export const NO_GROUP = '00000000-0000-0000-0000-000000000000';

/** What report_counts counts, by its `measure` code. */
export const MEASURES = { completions: 1, issued: 2, revoked: 3, verified: 4 } as const;

/**
 * Every counted event of the people `who` selects (a condition on `u`, a users row), as rows of
 * (user_id, day, measure, n): completions, certificates issued and revoked, verifications.
 */
export function eventsOf(who: string): string {
  return `
    SELECT c.user_id, (c.completed_at AT TIME ZONE 'UTC')::date AS day, 1::smallint AS measure, 1 AS n
      FROM milestone_completions c JOIN users u ON u.id = c.user_id WHERE ${who}
    UNION ALL
    SELECT ce.user_id, (ce.issued_at AT TIME ZONE 'UTC')::date, 2::smallint, 1
      FROM certificates ce JOIN users u ON u.id = ce.user_id WHERE ${who}
    UNION ALL
    SELECT ce.user_id, (ce.revoked_at AT TIME ZONE 'UTC')::date, 3::smallint, 1
      FROM certificates ce JOIN users u ON u.id = ce.user_id WHERE ce.revoked_at IS NOT NULL AND (${who})
    UNION ALL
    SELECT ce.user_id, v.day, 4::smallint, v.count
      FROM certificate_verifications v JOIN certificates ce ON ce.id = v.certificate_id
      JOIN users u ON u.id = ce.user_id WHERE ${who}`;
}

/** Each review of the reviews `which` selects (a condition on r, s, u), as a report_reviews row. */
export function reviewRowsOf(which: string): string {
  return `
    SELECT r.id, r.created_at, coalesce(u.chapter_id, '${NO_GROUP}'), coalesce(u.cohort_id, '${NO_GROUP}'),
           r.reviewer_id, (extract(epoch FROM r.created_at - s.submitted_at) / 3600)::float8
      FROM submission_reviews r JOIN evidence_submissions s ON s.id = r.submission_id
      JOIN users u ON u.id = s.organizer_id
     WHERE u.role = 'organizer' AND (${which})`;
}

/** Adds deltas (user, day, measure, ±n) to the day and week rows of the person's group. */
const APPLY = `
  CREATE FUNCTION report_apply(chapter_keys uuid[], cohort_keys uuid[], days date[], measures smallint[], ns int[])
  RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_counts (span, start, chapter_key, cohort_key, measure, n)
    SELECT s.span, CASE s.span WHEN 1 THEN d.day ELSE date_trunc('week', d.day)::date END,
           d.chapter_key, d.cohort_key, d.measure, sum(d.n)
      FROM unnest(chapter_keys, cohort_keys, days, measures, ns) AS d(chapter_key, cohort_key, day, measure, n)
     CROSS JOIN (VALUES (1::smallint), (7::smallint)) AS s(span)
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (span, start, chapter_key, cohort_key, measure) DO UPDATE SET n = report_counts.n + EXCLUDED.n
  $$`;

/** A statement trigger's deltas (rows of user_id, day, measure, n) applied to the person's current group. */
function applyDeltas(deltas: string): string {
  return `
    PERFORM progress_lock(ARRAY(SELECT DISTINCT d.user_id FROM (${deltas}) d));
    PERFORM report_apply(array_agg(coalesce(u.chapter_id, '${NO_GROUP}')), array_agg(coalesce(u.cohort_id, '${NO_GROUP}')),
                         array_agg(d.day), array_agg(d.measure), array_agg(d.n))
       FROM (${deltas}) d JOIN users u ON u.id = d.user_id AND u.role = 'organizer' HAVING count(*) > 0;`;
}

/** Per source table: the deltas its old_rows (sign -1) and new_rows (sign +1) contribute. */
const SOURCES: Record<string, (rows: string, sign: number) => string> = {
  milestone_completions: (rows, sign) =>
    `SELECT user_id, (completed_at AT TIME ZONE 'UTC')::date AS day, 1::smallint AS measure, ${sign} AS n FROM ${rows}`,
  certificates: (rows, sign) =>
    `SELECT user_id, (issued_at AT TIME ZONE 'UTC')::date AS day, 2::smallint AS measure, ${sign} AS n FROM ${rows}
     UNION ALL
     SELECT user_id, (revoked_at AT TIME ZONE 'UTC')::date, 3::smallint, ${sign} FROM ${rows} WHERE revoked_at IS NOT NULL`,
  certificate_verifications: (rows, sign) =>
    `SELECT ce.user_id, v.day, 4::smallint AS measure, ${sign} * v.count AS n
       FROM ${rows} v JOIN certificates ce ON ce.id = v.certificate_id`,
};

/**
 * Report aggregates kept by the database in the same transaction as every change they depend on:
 * report_counts holds completions, certificates issued and revoked, and verifications per day and
 * per week (Monday) for each chapter and cohort of organizers; report_reviews holds each review of
 * an organizer's evidence with its group, reviewer and turnaround in hours. Counts change by deltas
 * (an upsert adds to the row, so concurrent writers add up); a person's chapter, cohort or role
 * change moves their whole history. The per-person lock of the progress summaries orders a
 * person's events against a move of that person.
 */
export class ReportAggregates1795890000000 implements MigrationInterface {
  name = 'ReportAggregates1795890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "report_counts" ("span" smallint NOT NULL, "start" date NOT NULL, "chapter_key" uuid NOT NULL,
         "cohort_key" uuid NOT NULL, "measure" smallint NOT NULL, "n" integer NOT NULL DEFAULT 0,
         CONSTRAINT "PK_report_counts" PRIMARY KEY ("span", "start", "chapter_key", "cohort_key", "measure"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "report_reviews" ("review_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         "chapter_key" uuid NOT NULL, "cohort_key" uuid NOT NULL, "reviewer_id" uuid NOT NULL, "hours" double precision NOT NULL,
         CONSTRAINT "PK_report_reviews" PRIMARY KEY ("review_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "report_reviews_by_time" ON "report_reviews" ("created_at", "chapter_key", "cohort_key", "reviewer_id", "hours") `,
    );
    await queryRunner.query(
      `ALTER TABLE "report_reviews" ADD CONSTRAINT "FK_474ea87b69718dfe98385305812" FOREIGN KEY ("review_id") REFERENCES "submission_reviews"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(APPLY);

    for (const [table, deltas] of Object.entries(SOURCES)) {
      await queryRunner.query(`
        CREATE FUNCTION report_after_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN ${applyDeltas(deltas('new_rows', 1))}
          ELSIF TG_OP = 'DELETE' THEN ${applyDeltas(deltas('old_rows', -1))}
          ELSE ${applyDeltas(`${deltas('old_rows', -1)} UNION ALL ${deltas('new_rows', 1)}`)}
          END IF;
          RETURN NULL;
        END $$`);
      await createStatementTriggers(queryRunner, table, `report_after_${table}`);
    }

    // Reviews: recomputed per review (insert or update), removed with the review (cascade).
    await queryRunner.query(`
      CREATE FUNCTION report_reviews_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
        PERFORM progress_lock(ARRAY(SELECT s.organizer_id FROM submission_reviews r
                                      JOIN evidence_submissions s ON s.id = r.submission_id WHERE r.id = ANY(ids)));
        DELETE FROM report_reviews WHERE review_id = ANY(ids);
        INSERT INTO report_reviews (review_id, created_at, chapter_key, cohort_key, reviewer_id, hours)
        ${reviewRowsOf('r.id = ANY(ids)')};
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION report_after_submission_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM report_reviews_refresh(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "report_after_${event.toLowerCase()}" AFTER ${event} ON "submission_reviews"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION report_after_submission_reviews()`,
      );
    await queryRunner.query(`
      CREATE FUNCTION report_after_evidence_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM report_reviews_refresh(ARRAY(
          SELECT r.id FROM new_rows n JOIN old_rows o USING (id) JOIN submission_reviews r ON r.submission_id = n.id
           WHERE (n.submitted_at, n.organizer_id) IS DISTINCT FROM (o.submitted_at, o.organizer_id)));
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "report_after_update" AFTER UPDATE ON "evidence_submissions"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_after_evidence_submissions()`,
    );

    // People: a change of role, chapter or cohort moves everything they did to their new group.
    await queryRunner.query(`
      CREATE FUNCTION report_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE moved uuid[];
      BEGIN
        moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
                        WHERE (n.role, n.chapter_id, n.cohort_id) IS DISTINCT FROM (o.role, o.chapter_id, o.cohort_id)
                          AND 'organizer' IN (n.role, o.role));
        IF cardinality(moved) = 0 THEN RETURN NULL; END IF;
        PERFORM progress_lock(moved);
        PERFORM report_apply(array_agg(g.chapter_key), array_agg(g.cohort_key), array_agg(e.day),
                             array_agg(e.measure), array_agg(g.sign * e.n))
           FROM (${eventsOf('u.id = ANY(moved)')}) e
           JOIN (SELECT id, coalesce(chapter_id, '${NO_GROUP}'::uuid) AS chapter_key,
                        coalesce(cohort_id, '${NO_GROUP}'::uuid) AS cohort_key, -1 AS sign
                   FROM old_rows WHERE role = 'organizer' AND id = ANY(moved)
                 UNION ALL
                 SELECT id, coalesce(chapter_id, '${NO_GROUP}'::uuid), coalesce(cohort_id, '${NO_GROUP}'::uuid), 1
                   FROM new_rows WHERE role = 'organizer' AND id = ANY(moved)) g ON g.id = e.user_id
         HAVING count(*) > 0;
        DELETE FROM report_reviews WHERE review_id IN (
          SELECT r.id FROM submission_reviews r JOIN evidence_submissions s ON s.id = r.submission_id
           WHERE s.organizer_id = ANY(moved));
        INSERT INTO report_reviews (review_id, created_at, chapter_key, cohort_key, reviewer_id, hours)
        ${reviewRowsOf('u.id = ANY(moved)')};
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "report_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_after_users()`,
    );

    await queryRunner.query(`CREATE FUNCTION report_rebuild() RETURNS void LANGUAGE sql AS $$ ${REBUILD} $$`);
    await queryRunner.query('SELECT report_rebuild()');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.keys(SOURCES)) {
      for (const event of ['insert', 'update', 'delete'])
        await queryRunner.query(`DROP TRIGGER "report_after_${event}" ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION report_after_${table}()`);
    }
    for (const event of ['insert', 'update'])
      await queryRunner.query(`DROP TRIGGER "report_after_${event}" ON "submission_reviews"`);
    await queryRunner.query('DROP FUNCTION report_after_submission_reviews()');
    await queryRunner.query('DROP TRIGGER "report_after_update" ON "evidence_submissions"');
    await queryRunner.query('DROP FUNCTION report_after_evidence_submissions()');
    await queryRunner.query('DROP TRIGGER "report_after_update" ON "users"');
    await queryRunner.query('DROP FUNCTION report_after_users()');
    await queryRunner.query('DROP FUNCTION report_rebuild()');
    await queryRunner.query('DROP FUNCTION report_reviews_refresh(uuid[])');
    await queryRunner.query('DROP FUNCTION report_apply(uuid[], uuid[], date[], smallint[], integer[])');
    await queryRunner.query('DROP TABLE "report_reviews"');
    await queryRunner.query('DROP TABLE "report_counts"');
  }
}

/** Everything recounted from the source rows, in two set-based statements (backfill, bulk seeds). */
const REBUILD = `
  DELETE FROM report_counts;
  INSERT INTO report_counts (span, start, chapter_key, cohort_key, measure, n)
  SELECT s.span, CASE s.span WHEN 1 THEN e.day ELSE date_trunc('week', e.day)::date END,
         coalesce(u.chapter_id, '${NO_GROUP}'), coalesce(u.cohort_id, '${NO_GROUP}'), e.measure, sum(e.n)
    FROM (${eventsOf("u.role = 'organizer'")}) e JOIN users u ON u.id = e.user_id
   CROSS JOIN (VALUES (1::smallint), (7::smallint)) AS s(span)
   GROUP BY 1, 2, 3, 4, 5 HAVING sum(e.n) <> 0;
  DELETE FROM report_reviews;
  INSERT INTO report_reviews (review_id, created_at, chapter_key, cohort_key, reviewer_id, hours)
  ${reviewRowsOf('true')};`;

async function createStatementTriggers(queryRunner: QueryRunner, table: string, fn: string) {
  for (const [event, tables] of [
    ['INSERT', 'NEW TABLE AS new_rows'],
    ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ['DELETE', 'OLD TABLE AS old_rows'],
  ])
    await queryRunner.query(
      `CREATE TRIGGER "report_after_${event.toLowerCase()}" AFTER ${event} ON "${table}"
         REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    );
}
