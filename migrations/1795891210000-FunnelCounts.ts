import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NO_GROUP } from './1795890000000-ReportAggregates';

/** A users-shaped row set's group keys. */
const keys = (r: string) =>
  `coalesce(${r}.chapter_id, '${NO_GROUP}'::uuid) AS chapter_key, coalesce(${r}.cohort_id, '${NO_GROUP}'::uuid) AS cohort_key`;

/** Funnel deltas of organizers in `rows` (users-shaped): one each under track ''. */
const peopleDeltas = (rows: string, sign: number) =>
  `SELECT ${keys('r')}, ''::text AS track_id, 0 AS completed, false AS certified, ${sign} AS n
     FROM ${rows} r WHERE r.role = 'organizer'`;

/** Funnel deltas of organizers in `rows` (users-shaped): their progress on every track. */
const trackDeltasOfPeople = (rows: string, sign: number) =>
  `SELECT ${keys('r')}, t.track_id, t.completed, t.certified, ${sign} AS n
     FROM ${rows} r JOIN progress_tracks t ON t.user_id = r.id WHERE r.role = 'organizer'`;

/** Funnel deltas of progress_tracks-shaped `rows`, in their person's current group. */
const trackDeltas = (rows: string, sign: number) =>
  `SELECT ${keys('u')}, t.track_id, t.completed, t.certified, ${sign} AS n
     FROM ${rows} t JOIN users u ON u.id = t.user_id WHERE u.role = 'organizer'`;

/** Sign-in day deltas of organizers in `rows` (users-shaped) who ever signed in. */
const signInDeltas = (rows: string, sign: number) =>
  `SELECT (r.last_login_at AT TIME ZONE 'UTC')::date AS day, ${keys('r')}, ${sign} AS n
     FROM ${rows} r WHERE r.role = 'organizer' AND r.last_login_at IS NOT NULL`;

/** Adds funnel deltas; concurrent writers add up, in key order (no deadlocks between them). */
const addFunnel = (deltas: string) => `
  INSERT INTO report_funnel (track_id, chapter_key, cohort_key, completed, certified, n)
  SELECT track_id, chapter_key, cohort_key, completed, certified, sum(n) FROM (${deltas}) d
   GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (track_id, chapter_key, cohort_key, completed, certified) DO UPDATE SET n = report_funnel.n + EXCLUDED.n;`;

const addSignIns = (deltas: string) => `
  INSERT INTO report_sign_in_days (day, chapter_key, cohort_key, n)
  SELECT day, chapter_key, cohort_key, sum(n) FROM (${deltas}) d
   GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
  ON CONFLICT (day, chapter_key, cohort_key) DO UPDATE SET n = report_sign_in_days.n + EXCLUDED.n;`;

/** Everything recounted from users and the progress summaries (backfill, bulk seeds). */
export const FUNNEL_REBUILD = `
  DELETE FROM report_funnel;
  DELETE FROM report_sign_in_days;
  ${addFunnel(`${peopleDeltas('users', 1)} UNION ALL ${trackDeltasOfPeople('users', 1)}`)}
  ${addSignIns(signInDeltas('users', 1))}`;

const OLD_ROW =
  '(SELECT OLD.id AS id, OLD.role AS role, OLD.chapter_id AS chapter_id, OLD.cohort_id AS cohort_id, OLD.last_login_at AS last_login_at)';

/** The old and new versions of the users rows whose `columns` changed. */
const changed = (columns: string, side: 'o' | 'n') =>
  `(SELECT ${side}.* FROM old_rows o JOIN new_rows n USING (id) WHERE (${columns.replace(/\b(\w+)\b/g, 'n.$1')}) IS DISTINCT FROM (${columns.replace(/\b(\w+)\b/g, 'o.$1')}))`;

/**
 * The funnel's counts kept by the database in the same transaction as every change they depend on:
 * report_funnel holds, per chapter, cohort and track, how many organizers have completed each number
 * of milestones, certified or not (so "half the track" is applied when reading, against the track
 * as it is then), and under track '' how many organizers each group has; report_sign_in_days holds
 * per group how many organizers last signed in on each day (a sign-in moves a person from their old
 * day to today). Counts change by deltas (an upsert adds, so concurrent writers add up); a change
 * of role, chapter or cohort moves the person's counts under the per-person progress lock; a
 * deleted organizer is taken out before the row goes.
 */
export class FunnelCounts1795891210000 implements MigrationInterface {
  name = 'FunnelCounts1795891210000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "report_funnel" ("track_id" text NOT NULL, "chapter_key" uuid NOT NULL, "cohort_key" uuid NOT NULL,
         "completed" integer NOT NULL, "certified" boolean NOT NULL, "n" integer NOT NULL DEFAULT 0,
         CONSTRAINT "PK_report_funnel" PRIMARY KEY ("track_id", "chapter_key", "cohort_key", "completed", "certified"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "report_sign_in_days" ("day" date NOT NULL, "chapter_key" uuid NOT NULL, "cohort_key" uuid NOT NULL,
         "n" integer NOT NULL DEFAULT 0, CONSTRAINT "PK_report_sign_in_days" PRIMARY KEY ("day", "chapter_key", "cohort_key"))`,
    );
    await queryRunner.query(`
      CREATE FUNCTION report_funnel_after_progress_tracks() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${addFunnel(trackDeltas('new_rows', 1))}
        ELSIF TG_OP = 'DELETE' THEN ${addFunnel(trackDeltas('old_rows', -1))}
        ELSE ${addFunnel(`${trackDeltas('old_rows', -1)} UNION ALL ${trackDeltas('new_rows', 1)}`)}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [event, tables] of [
      ['INSERT', 'NEW TABLE AS new_rows'],
      ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
      ['DELETE', 'OLD TABLE AS old_rows'],
    ])
      await queryRunner.query(
        `CREATE TRIGGER "report_funnel_after_${event.toLowerCase()}" AFTER ${event} ON "progress_tracks"
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION report_funnel_after_progress_tracks()`,
      );

    const moving = 'role, chapter_id, cohort_id';
    const signing = 'role, chapter_id, cohort_id, last_login_at';
    await queryRunner.query(`
      CREATE FUNCTION report_funnel_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE moved uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${addFunnel(peopleDeltas('new_rows', 1))}
          ${addSignIns(signInDeltas('new_rows', 1))}
          RETURN NULL;
        END IF;
        moved := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
                        WHERE (n.role, n.chapter_id, n.cohort_id) IS DISTINCT FROM (o.role, o.chapter_id, o.cohort_id)
                          AND 'organizer' IN (n.role, o.role));
        IF cardinality(moved) > 0 THEN PERFORM progress_lock(moved); END IF;
        ${addFunnel(`${peopleDeltas(changed(moving, 'o'), -1)} UNION ALL ${peopleDeltas(changed(moving, 'n'), 1)}
          UNION ALL ${trackDeltasOfPeople(`(SELECT * FROM old_rows WHERE id = ANY(moved))`, -1)}
          UNION ALL ${trackDeltasOfPeople(`(SELECT * FROM new_rows WHERE id = ANY(moved))`, 1)}`)}
        ${addSignIns(`${signInDeltas(changed(signing, 'o'), -1)} UNION ALL ${signInDeltas(changed(signing, 'n'), 1)}`)}
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "report_funnel_after_insert" AFTER INSERT ON "users"
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_funnel_after_users()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "report_funnel_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_funnel_after_users()`,
    );
    // A deleted organizer is counted out while their row and progress are still there.
    await queryRunner.query(`
      CREATE FUNCTION report_funnel_before_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.role <> 'organizer' THEN RETURN OLD; END IF;
        PERFORM progress_lock(ARRAY[OLD.id]);
        ${addFunnel(`${peopleDeltas(OLD_ROW, -1)} UNION ALL ${trackDeltasOfPeople(OLD_ROW, -1)}`)}
        ${addSignIns(signInDeltas(OLD_ROW, -1))}
        RETURN OLD;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "report_funnel_before_delete" BEFORE DELETE ON "users"
         FOR EACH ROW EXECUTE FUNCTION report_funnel_before_user_delete()`,
    );

    await queryRunner.query(
      `CREATE FUNCTION report_funnel_rebuild() RETURNS void LANGUAGE sql AS $$ ${FUNNEL_REBUILD} $$`,
    );
    await queryRunner.query('SELECT report_funnel_rebuild()');
    await queryRunner.query('ANALYZE report_funnel, report_sign_in_days');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete'])
      await queryRunner.query(`DROP TRIGGER "report_funnel_after_${event}" ON "progress_tracks"`);
    for (const trigger of ['after_insert', 'after_update', 'before_delete'])
      await queryRunner.query(`DROP TRIGGER "report_funnel_${trigger}" ON "users"`);
    await queryRunner.query('DROP FUNCTION report_funnel_before_user_delete()');
    await queryRunner.query('DROP FUNCTION report_funnel_after_users()');
    await queryRunner.query('DROP FUNCTION report_funnel_after_progress_tracks()');
    await queryRunner.query('DROP FUNCTION report_funnel_rebuild()');
    await queryRunner.query('DROP TABLE "report_sign_in_days"');
    await queryRunner.query('DROP TABLE "report_funnel"');
  }
}
