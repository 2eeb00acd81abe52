import type { MigrationInterface, QueryRunner } from 'typeorm';
import { STALLED_REBUILD, stalledRowsOf } from './1795891200000-StalledCandidates';

/** The rebuild keeps registered tracks (start-up registers them all) and adds any certified one. */
const REBUILD_KEEPING_TRACKS = `
  INSERT INTO report_stalled_tracks (track_id) SELECT DISTINCT track_id FROM progress_tracks WHERE certified
    ON CONFLICT DO NOTHING;
  DELETE FROM report_stalled;
  INSERT INTO report_stalled (track_id, user_id, chapter_key, cohort_key, silent_since, name)
    ${stalledRowsOf('true', `SELECT ''::text UNION ALL SELECT track_id FROM report_stalled_tracks`)};`;

/**
 * Registers tracks for the stalled list ahead of time: start-up registers every track of the
 * curriculum, so the first certification on a track (in a new academy, every track's first) no
 * longer has to lock the progress summaries whole inside a busy request, where concurrent
 * certifications deadlocked. The trigger still registers a track nobody registered (a curriculum
 * changed while running), as before. `report_stalled_rebuild()` now keeps registered tracks.
 */
export class StalledTrackRegister1795891700000 implements MigrationInterface {
  name = 'StalledTrackRegister1795891700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION report_stalled_register(tracks text[]) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE added text[];
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM unnest(tracks) AS t(id)
                        WHERE t.id <> '' AND t.id NOT IN (SELECT track_id FROM report_stalled_tracks)) THEN
          RETURN 0;
        END IF;
        LOCK TABLE progress_people, progress_tracks IN SHARE ROW EXCLUSIVE MODE;
        WITH r AS (INSERT INTO report_stalled_tracks (track_id) SELECT DISTINCT id FROM unnest(tracks) AS t(id)
                    WHERE id <> '' ON CONFLICT DO NOTHING RETURNING track_id)
        SELECT array_agg(track_id) INTO added FROM r;
        IF added IS NULL THEN RETURN 0; END IF;
        INSERT INTO report_stalled (track_id, user_id, chapter_key, cohort_key, silent_since, name)
          ${stalledRowsOf('true', 'SELECT unnest(added)')}
        ON CONFLICT DO NOTHING;
        RETURN cardinality(added);
      END $$`);
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION report_stalled_rebuild() RETURNS void LANGUAGE sql AS $$ ${REBUILD_KEEPING_TRACKS} $$`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE OR REPLACE FUNCTION report_stalled_rebuild() RETURNS void LANGUAGE sql AS $$ ${STALLED_REBUILD} $$`,
    );
    await queryRunner.query('DROP FUNCTION report_stalled_register(text[])');
  }
}
