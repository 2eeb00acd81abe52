import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NO_GROUP } from './1795890000000-ReportAggregates';

/**
 * The stalled-list rows of the people `who` selects (a condition on `u`, a users row) for the tracks
 * `tracks` selects (one column, track_id): every active organizer once under '' (any track nobody is
 * certified on) and once per registered track they are not certified on.
 */
export function stalledRowsOf(who: string, tracks: string): string {
  return `
    SELECT k.track_id, u.id AS user_id, coalesce(u.chapter_id, '${NO_GROUP}'::uuid) AS chapter_key,
           coalesce(u.cohort_id, '${NO_GROUP}'::uuid) AS cohort_key,
           coalesce(p.last_activity_at, '-infinity') AS silent_since, u.display_name AS name
      FROM users u JOIN progress_people p ON p.user_id = u.id
     CROSS JOIN (${tracks}) AS k(track_id)
     WHERE u.role = 'organizer' AND u.active AND (${who})
       AND NOT EXISTS (SELECT 1 FROM progress_tracks t WHERE t.user_id = u.id AND t.track_id = k.track_id AND t.certified)`;
}

const ALL_TRACKS = `SELECT ''::text UNION ALL SELECT track_id FROM report_stalled_tracks`;
const COLUMNS = 'track_id, user_id, chapter_key, cohort_key, silent_since, name';

/** Everything recounted from the summaries (backfill, bulk seeds). */
export const STALLED_REBUILD = `
  DELETE FROM report_stalled_tracks;
  INSERT INTO report_stalled_tracks (track_id) SELECT DISTINCT track_id FROM progress_tracks WHERE certified;
  DELETE FROM report_stalled;
  INSERT INTO report_stalled (${COLUMNS}) ${stalledRowsOf('true', ALL_TRACKS)};`;

/**
 * Stalled-list candidates kept by the database in the same transaction as every change they depend
 * on: one row per active organizer and track they are not certified on, with their group, name and
 * last activity, so the report reads its page from an index in order and discards nothing.
 * Certification is per track, and the tracks live in curriculum files, not the database: a track is
 * registered (report_stalled_tracks, and a row for every active organizer not certified on it) when
 * someone is first certified on it; a track nobody has been certified on reads the '' rows (every
 * active organizer). People are recounted (not patched) after any change to their summary rows or
 * to their role, activity, chapter, cohort or name, under the per-person progress lock.
 */
export class StalledCandidates1795891200000 implements MigrationInterface {
  name = 'StalledCandidates1795891200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "report_stalled_tracks" ("track_id" text NOT NULL, CONSTRAINT "PK_report_stalled_tracks" PRIMARY KEY ("track_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "report_stalled" ("track_id" text NOT NULL, "user_id" uuid NOT NULL, "chapter_key" uuid NOT NULL,
         "cohort_key" uuid NOT NULL, "silent_since" TIMESTAMP WITH TIME ZONE NOT NULL, "name" text NOT NULL,
         CONSTRAINT "PK_report_stalled" PRIMARY KEY ("user_id", "track_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_stalled" ADD CONSTRAINT "FK_report_stalled_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION report_stalled_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
        PERFORM progress_lock(ids);
        DELETE FROM report_stalled s WHERE s.user_id = ANY(ids) AND NOT EXISTS (
          SELECT 1 FROM (${stalledRowsOf('u.id = ANY(ids)', ALL_TRACKS)}) w
           WHERE w.track_id = s.track_id AND w.user_id = s.user_id);
        INSERT INTO report_stalled (${COLUMNS}) ${stalledRowsOf('u.id = ANY(ids)', ALL_TRACKS)}
        ON CONFLICT (user_id, track_id) DO UPDATE SET chapter_key = EXCLUDED.chapter_key,
             cohort_key = EXCLUDED.cohort_key, silent_since = EXCLUDED.silent_since, name = EXCLUDED.name
          WHERE (report_stalled.chapter_key, report_stalled.cohort_key, report_stalled.silent_since, report_stalled.name)
                IS DISTINCT FROM (EXCLUDED.chapter_key, EXCLUDED.cohort_key, EXCLUDED.silent_since, EXCLUDED.name);
      END $$`);

    // Activity: a new summary row (a new account) or a moved last activity.
    await queryRunner.query(`
      CREATE FUNCTION report_stalled_after_progress_people() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM report_stalled_refresh(ARRAY(SELECT user_id FROM new_rows));
        ELSE
          PERFORM report_stalled_refresh(ARRAY(SELECT n.user_id FROM new_rows n JOIN old_rows o USING (user_id)
                                                WHERE n.last_activity_at IS DISTINCT FROM o.last_activity_at));
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "report_stalled_after_${event.toLowerCase()}" AFTER ${event} ON "progress_people"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION report_stalled_after_progress_people()`,
      );

    // Certification: the first certified person on a track registers it (rows for everyone, once,
    // with the summaries locked whole); then whoever's certification changed is recounted.
    await queryRunner.query(`
      CREATE FUNCTION report_stalled_after_progress_tracks() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE added text[];
      BEGIN
        IF TG_OP <> 'DELETE' THEN
          WITH r AS (INSERT INTO report_stalled_tracks (track_id) SELECT DISTINCT track_id FROM new_rows WHERE certified
                     ON CONFLICT DO NOTHING RETURNING track_id)
          SELECT array_agg(track_id) INTO added FROM r;
          IF added IS NOT NULL THEN
            LOCK TABLE progress_people, progress_tracks IN SHARE ROW EXCLUSIVE MODE;
            INSERT INTO report_stalled (${COLUMNS}) ${stalledRowsOf('true', 'SELECT unnest(added)')}
            ON CONFLICT DO NOTHING;
          END IF;
        END IF;
        IF TG_OP = 'INSERT' THEN
          PERFORM report_stalled_refresh(ARRAY(SELECT DISTINCT user_id FROM new_rows WHERE certified));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM report_stalled_refresh(ARRAY(SELECT DISTINCT user_id FROM old_rows WHERE certified));
        ELSE
          PERFORM report_stalled_refresh(ARRAY(SELECT DISTINCT n.user_id FROM new_rows n JOIN old_rows o USING (user_id, track_id)
                                                WHERE n.certified IS DISTINCT FROM o.certified));
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "report_stalled_after_${event.toLowerCase()}" AFTER ${event} ON "progress_tracks"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION report_stalled_after_progress_tracks()`,
      );

    // People: role, activation, chapter, cohort or name.
    await queryRunner.query(`
      CREATE FUNCTION report_stalled_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM report_stalled_refresh(ARRAY(
          SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
           WHERE (n.role, n.active, n.chapter_id, n.cohort_id, n.display_name)
                 IS DISTINCT FROM (o.role, o.active, o.chapter_id, o.cohort_id, o.display_name)));
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "report_stalled_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_stalled_after_users()`,
    );

    await queryRunner.query(
      `CREATE FUNCTION report_stalled_rebuild() RETURNS void LANGUAGE sql AS $$ ${STALLED_REBUILD} $$`,
    );
    await queryRunner.query('SELECT report_stalled_rebuild()');
    // Built after the backfill (faster than keeping them up row by row).
    for (const [name, keys] of [
      ['report_stalled_by_silence', '"track_id", "silent_since", "name"'],
      ['report_stalled_by_chapter', '"track_id", "chapter_key", "silent_since", "name"'],
      ['report_stalled_by_cohort', '"track_id", "cohort_key", "silent_since", "name"'],
    ])
      await queryRunner.query(`CREATE INDEX "${name}" ON "report_stalled" (${keys}) `);
    await queryRunner.query('ANALYZE report_stalled, report_stalled_tracks');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['progress_people', 'progress_tracks', 'users'])
      for (const event of ['insert', 'update', 'delete'])
        await queryRunner.query(`DROP TRIGGER IF EXISTS "report_stalled_after_${event}" ON "${table}"`);
    await queryRunner.query('DROP FUNCTION report_stalled_after_users()');
    await queryRunner.query('DROP FUNCTION report_stalled_after_progress_tracks()');
    await queryRunner.query('DROP FUNCTION report_stalled_after_progress_people()');
    await queryRunner.query('DROP FUNCTION report_stalled_rebuild()');
    await queryRunner.query('DROP FUNCTION report_stalled_refresh(uuid[])');
    await queryRunner.query('DROP TABLE "report_stalled"');
    await queryRunner.query('DROP TABLE "report_stalled_tracks"');
  }
}
