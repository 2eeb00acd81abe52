import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lower bounds (hours) of the turnaround buckets: bucket k holds hours in [BOUNDS[k], BOUNDS[k+1]),
 * the first also anything below 1 h, the last 768 h and more. Column h<k> counts bucket k.
 */
export const TURNAROUND_BOUNDS = [
  0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768,
] as const;

/** Block lengths in weeks; a block of n weeks starts a multiple of n weeks after TURNAROUND_EPOCH. */
export const TURNAROUND_SPANS = [1, 4, 16, 64] as const;

/** The Monday (UTC) blocks are aligned from. */
export const TURNAROUND_EPOCH = '2000-01-03';

/** Set (transaction-local) while report_rebuild() rewrites report_reviews, whose triggers then skip. */
const REBUILDING = 'report.turnaround_rebuilding';

const COLUMNS = TURNAROUND_BOUNDS.map((_, k) => `h${k}`);
const THRESHOLDS = `ARRAY[${TURNAROUND_BOUNDS.slice(1).join(', ')}]::float8[]`;

/**
 * Histogram rows (span, start, chapter_key, cohort_key, reviewer_id, h0..h19) of `rows`, report_reviews
 * shaped rows each carrying a `sign` (+1 counted, -1 removed), for every block length.
 */
function blocksOf(rows: string, spans: readonly number[] = TURNAROUND_SPANS): string {
  return `
    SELECT s.span, date '${TURNAROUND_EPOCH}' + 7 * s.span * floor(r.day / (7.0 * s.span))::int AS start,
           r.chapter_key, r.cohort_key, r.reviewer_id,
           ${COLUMNS.map((c, k) => `sum(CASE r.k WHEN ${k} THEN r.sign ELSE 0 END)::int AS ${c}`).join(',\n           ')}
      FROM (SELECT (created_at AT TIME ZONE 'UTC')::date - date '${TURNAROUND_EPOCH}' AS day, chapter_key, cohort_key,
                   reviewer_id, width_bucket(hours, ${THRESHOLDS}) AS k, sign FROM (${rows}) q) r
     CROSS JOIN (VALUES ${spans.map((s) => `(${s}::smallint)`).join(', ')}) AS s(span)
     GROUP BY 1, 2, 3, 4, 5`;
}

const INSERT = `INSERT INTO report_turnaround (span, start, chapter_key, cohort_key, reviewer_id, ${COLUMNS.join(', ')})`;

/**
 * Fills the empty histograms from report_reviews in bulk: the one-week blocks from the reviews, the
 * longer blocks from the one-week rows (far fewer than reviews).
 */
const BACKFILL = `
  ${INSERT} ${blocksOf('SELECT *, 1 AS sign FROM report_reviews', [1])} ORDER BY 1, 2, 3, 4, 5;
  ${INSERT}
  SELECT s.span, date '${TURNAROUND_EPOCH}' + 7 * s.span * floor((w.start - date '${TURNAROUND_EPOCH}') / (7.0 * s.span))::int,
         w.chapter_key, w.cohort_key, w.reviewer_id, ${COLUMNS.map((c) => `sum(w.${c})::int`).join(', ')}
    FROM report_turnaround w
   CROSS JOIN (VALUES ${TURNAROUND_SPANS.filter((s) => s > 1)
     .map((s) => `(${s}::smallint)`)
     .join(', ')}) AS s(span)
   WHERE w.span = 1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5;`;

/** Adds a statement's changes of report_reviews to the histograms (rows ordered so writers lock alike). */
function applyRows(rows: string): string {
  return `${INSERT}
    SELECT * FROM (${blocksOf(rows)}) b ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (span, start, chapter_key, cohort_key, reviewer_id) DO UPDATE SET
      ${COLUMNS.map((c) => `${c} = report_turnaround.${c} + EXCLUDED.${c}`).join(', ')};`;
}

const OLD_ROWS = 'SELECT created_at, chapter_key, cohort_key, reviewer_id, hours, -1 AS sign FROM old_rows';
const NEW_ROWS = 'SELECT created_at, chapter_key, cohort_key, reviewer_id, hours, 1 AS sign FROM new_rows';

/**
 * Review turnaround histograms: per block of 1, 4, 16 and 64 weeks, per chapter, cohort and reviewer,
 * the number of reviews in each hour bucket. Kept by statement triggers on report_reviews (which
 * already follows reviews, withdrawals, corrections and organizers moving), so they change in the same
 * transaction and by the same events; deltas are upserted, so concurrent writers add up.
 */
export class ReviewTurnaroundHistograms1795891100000 implements MigrationInterface {
  name = 'ReviewTurnaroundHistograms1795891100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "report_turnaround" ("span" smallint NOT NULL, "start" date NOT NULL, "chapter_key" uuid NOT NULL,
         "cohort_key" uuid NOT NULL, "reviewer_id" uuid NOT NULL,
         ${COLUMNS.map((c) => `"${c}" integer NOT NULL DEFAULT 0`).join(', ')},
         CONSTRAINT "PK_report_turnaround" PRIMARY KEY ("span", "start", "chapter_key", "cohort_key", "reviewer_id"))`,
    );
    await queryRunner.query(BACKFILL);
    await queryRunner.query(`
      CREATE FUNCTION report_turnaround_after_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- report_rebuild() recounts the histograms itself once report_reviews is rebuilt.
        IF current_setting('${REBUILDING}', true) = 'on' THEN RETURN NULL; END IF;
        IF TG_OP = 'INSERT' THEN ${applyRows(NEW_ROWS)}
        ELSIF TG_OP = 'DELETE' THEN ${applyRows(OLD_ROWS)}
        ELSE ${applyRows(`${OLD_ROWS} UNION ALL ${NEW_ROWS}`)}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "report_turnaround_after_${event.toLowerCase()}" AFTER ${event} ON "report_reviews"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION report_turnaround_after_reviews()`,
      );
    // The rebuild recounts report_reviews (the triggers standing aside), then the histograms.
    await queryRunner.query('ALTER FUNCTION report_rebuild() RENAME TO report_rebuild_counts_and_reviews');
    await queryRunner.query(`
      CREATE FUNCTION report_rebuild() RETURNS void LANGUAGE sql AS $$
        SELECT set_config('${REBUILDING}', 'on', true);
        SELECT report_rebuild_counts_and_reviews();
        SELECT set_config('${REBUILDING}', 'off', true);
        DELETE FROM report_turnaround;
        ${BACKFILL}
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION report_rebuild()');
    await queryRunner.query('ALTER FUNCTION report_rebuild_counts_and_reviews() RENAME TO report_rebuild');
    for (const event of ['insert', 'update', 'delete'])
      await queryRunner.query(`DROP TRIGGER "report_turnaround_after_${event}" ON "report_reviews"`);
    await queryRunner.query('DROP FUNCTION report_turnaround_after_reviews()');
    await queryRunner.query('DROP TABLE "report_turnaround"');
  }
}
