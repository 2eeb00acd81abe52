import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose changes move a person's summary: [table, column naming the person, what it moves]. */
const SOURCES: [string, string, 'activity' | 'tracks' | 'both'][] = [
  ['milestone_completions', 'user_id', 'both'],
  ['certificates', 'user_id', 'tracks'],
  ['module_reads', 'user_id', 'activity'],
  ['evidence_submissions', 'organizer_id', 'activity'],
];

/** More people than this in one statement (bulk imports, seeds) lock the summaries whole instead. */
const PER_PERSON_LOCKS_UP_TO = 1000;

function refreshCall(what: 'activity' | 'tracks' | 'both', ids: string): string {
  const calls = [];
  if (what !== 'tracks') calls.push(`PERFORM progress_refresh_activity(${ids});`);
  if (what !== 'activity') calls.push(`PERFORM progress_refresh_tracks(${ids});`);
  return calls.join(' ');
}

/**
 * Per-person progress summaries for reports, kept exact by the database itself: after any statement
 * that adds, changes or removes a completion, certificate, reading, submission or sign-in, the
 * people it touched are recounted from the source rows, in the same transaction. Recounting (not
 * adding deltas) cannot drift; a per-person advisory lock taken before recounting makes concurrent
 * writers recount one after another, each seeing what the previous one committed.
 */
export class ProgressSummaries1795885000000 implements MigrationInterface {
  name = 'ProgressSummaries1795885000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "progress_people" ("user_id" uuid NOT NULL, "last_activity_at" TIMESTAMP WITH TIME ZONE,
         CONSTRAINT "PK_progress_people" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(
      'CREATE INDEX "progress_people_last_activity" ON "progress_people" ("last_activity_at") ',
    );
    await queryRunner.query(
      `CREATE TABLE "progress_tracks" ("user_id" uuid NOT NULL, "track_id" text NOT NULL,
         "completed" integer NOT NULL DEFAULT 0, "certified" boolean NOT NULL DEFAULT false,
         CONSTRAINT "PK_progress_tracks" PRIMARY KEY ("user_id", "track_id"))`,
    );
    await queryRunner.query(
      'CREATE INDEX "progress_tracks_track" ON "progress_tracks" ("track_id", "user_id") ',
    );
    for (const [table, name] of [
      ['progress_people', 'FK_d208c295f51070ebbcebc580ca5'],
      ['progress_tracks', 'FK_f7e3ad719390a0ae3d9055372b7'],
    ])
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${name}" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );

    await queryRunner.query(`
      CREATE FUNCTION progress_lock(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF cardinality(ids) > ${PER_PERSON_LOCKS_UP_TO} THEN
          LOCK TABLE progress_people, progress_tracks IN SHARE ROW EXCLUSIVE MODE;
        ELSE
          -- Everyone else recounting keeps ROW EXCLUSIVE, so a bulk recount waits for them and they for it.
          LOCK TABLE progress_people, progress_tracks IN ROW EXCLUSIVE MODE;
          PERFORM pg_advisory_xact_lock(hashtextextended('progress:' || id::text, 0))
             FROM (SELECT DISTINCT id FROM unnest(ids) AS id ORDER BY id) AS people;
        END IF;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION progress_refresh_activity(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
        PERFORM progress_lock(ids);
        INSERT INTO progress_people (user_id, last_activity_at)
        SELECT u.id, GREATEST(u.last_login_at,
                 (SELECT max(s.submitted_at) FROM evidence_submissions s WHERE s.organizer_id = u.id),
                 (SELECT max(r.read_at) FROM module_reads r WHERE r.user_id = u.id),
                 (SELECT max(c.completed_at) FROM milestone_completions c WHERE c.user_id = u.id))
          FROM users u WHERE u.id = ANY(ids)
        ON CONFLICT (user_id) DO UPDATE SET last_activity_at = EXCLUDED.last_activity_at
          WHERE progress_people.last_activity_at IS DISTINCT FROM EXCLUDED.last_activity_at;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION progress_refresh_tracks(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
        PERFORM progress_lock(ids);
        INSERT INTO progress_tracks (user_id, track_id, completed, certified)
        SELECT k.user_id, k.track_id,
               (SELECT count(*) FROM milestone_completions c WHERE c.user_id = k.user_id AND c.track_id = k.track_id),
               EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = k.user_id AND ce.track_id = k.track_id
                          AND ce.superseded_at IS NULL AND ce.revoked_at IS NULL)
          FROM (SELECT user_id, track_id FROM milestone_completions WHERE user_id = ANY(ids)
                UNION SELECT user_id, track_id FROM certificates WHERE user_id = ANY(ids)
                UNION SELECT user_id, track_id FROM progress_tracks WHERE user_id = ANY(ids)) AS k
          JOIN users u ON u.id = k.user_id
        ON CONFLICT (user_id, track_id) DO UPDATE SET completed = EXCLUDED.completed, certified = EXCLUDED.certified
          WHERE (progress_tracks.completed, progress_tracks.certified)
                IS DISTINCT FROM (EXCLUDED.completed, EXCLUDED.certified);
      END $$`);

    for (const [table, column, what] of SOURCES) {
      const ids = (rows: string) => `ARRAY(SELECT DISTINCT ${column} FROM ${rows})`;
      await queryRunner.query(`
        CREATE FUNCTION progress_after_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN ${refreshCall(what, ids('new_rows'))}
          ELSIF TG_OP = 'DELETE' THEN ${refreshCall(what, ids('old_rows'))}
          ELSE ${refreshCall(what, `ARRAY(SELECT ${column} FROM new_rows UNION SELECT ${column} FROM old_rows)`)}
          END IF;
          RETURN NULL;
        END $$`);
      for (const [event, tables] of [
        ['INSERT', 'NEW TABLE AS new_rows'],
        ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
        ['DELETE', 'OLD TABLE AS old_rows'],
      ])
        await queryRunner.query(
          `CREATE TRIGGER "progress_after_${event.toLowerCase()}" AFTER ${event} ON "${table}"
             REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION progress_after_${table}()`,
        );
    }
    // People: a new account gets its row; a sign-in (last_login_at) moves its activity.
    await queryRunner.query(`
      CREATE FUNCTION progress_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM progress_refresh_activity(ARRAY(SELECT id FROM new_rows));
        ELSE
          PERFORM progress_refresh_activity(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
             WHERE n.last_login_at IS DISTINCT FROM o.last_login_at));
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "progress_after_insert" AFTER INSERT ON "users"
         REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_after_users()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "progress_after_update" AFTER UPDATE ON "users"
         REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_after_users()`,
    );

    // Everyone there is now, in two set-based statements.
    await queryRunner.query(`
      INSERT INTO progress_people (user_id, last_activity_at)
      SELECT u.id, GREATEST(u.last_login_at, s.at, r.at, c.at) FROM users u
        LEFT JOIN (SELECT organizer_id AS id, max(submitted_at) AS at FROM evidence_submissions GROUP BY 1) s ON s.id = u.id
        LEFT JOIN (SELECT user_id AS id, max(read_at) AS at FROM module_reads GROUP BY 1) r ON r.id = u.id
        LEFT JOIN (SELECT user_id AS id, max(completed_at) AS at FROM milestone_completions GROUP BY 1) c ON c.id = u.id`);
    await queryRunner.query(`
      INSERT INTO progress_tracks (user_id, track_id, completed, certified)
      SELECT coalesce(c.user_id, ce.user_id), coalesce(c.track_id, ce.track_id), coalesce(c.n, 0), ce.user_id IS NOT NULL
        FROM (SELECT user_id, track_id, count(*)::int AS n FROM milestone_completions GROUP BY 1, 2) c
        FULL JOIN (SELECT DISTINCT user_id, track_id FROM certificates
                    WHERE superseded_at IS NULL AND revoked_at IS NULL) ce
          ON ce.user_id = c.user_id AND ce.track_id = c.track_id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...SOURCES.map(([t]) => t), 'users']) {
      for (const event of ['insert', 'update', 'delete'])
        await queryRunner.query(`DROP TRIGGER IF EXISTS "progress_after_${event}" ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION progress_after_${table}()`);
    }
    await queryRunner.query('DROP FUNCTION progress_refresh_tracks(uuid[])');
    await queryRunner.query('DROP FUNCTION progress_refresh_activity(uuid[])');
    await queryRunner.query('DROP FUNCTION progress_lock(uuid[])');
    await queryRunner.query('DROP TABLE "progress_tracks"');
    await queryRunner.query('DROP TABLE "progress_people"');
  }
}
