import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change notices naming the row that changed (`topic:key`), for caches with one entry per session or
 * per person: `session:<sid>` when a session is written or ended, `progress:<user id>` when someone's
 * reading or milestone record changes. A change that cannot name one key (TRUNCATE, a change to the
 * person behind every session) notices the whole topic.
 */
export class KeyedChangeNotices1795870300000 implements MigrationInterface {
  name = 'KeyedChangeNotices1795870300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // TG_ARGV: topic, then the column whose value is the key.
    await queryRunner.query(`
      CREATE FUNCTION academy_notify_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_key text;
        new_key text;
      BEGIN
        IF TG_OP <> 'INSERT' THEN old_key := to_jsonb(OLD) ->> TG_ARGV[1]; END IF;
        IF TG_OP <> 'DELETE' THEN new_key := to_jsonb(NEW) ->> TG_ARGV[1]; END IF;
        IF old_key IS NOT NULL THEN PERFORM pg_notify('academy_changes', TG_ARGV[0] || ':' || old_key); END IF;
        IF new_key IS NOT NULL AND new_key IS DISTINCT FROM old_key THEN
          PERFORM pg_notify('academy_changes', TG_ARGV[0] || ':' || new_key);
        END IF;
        RETURN NULL;
      END
      $$`);
    // Extending a session's expiry (every minute or so per active session) is not a change worth a
    // notice: caches check the expiry and read again once theirs has passed. Neither is deleting
    // sessions that have expired already (pruning).
    await queryRunner.query(
      `CREATE TRIGGER "sessions_notify_written" AFTER INSERT OR UPDATE OF "sess" ON "sessions"
         FOR EACH ROW EXECUTE FUNCTION academy_notify_row_change('session', 'sid')`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "sessions_notify_ended" AFTER DELETE ON "sessions"
         FOR EACH ROW WHEN (OLD."expire" >= now()) EXECUTE FUNCTION academy_notify_row_change('session', 'sid')`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "sessions_notify_truncated" AFTER TRUNCATE ON "sessions"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('session')`,
    );
    // The signed-in person is read with the session: role, scope, name or deactivation.
    await queryRunner.query(
      `CREATE TRIGGER "users_notify_session" AFTER UPDATE OF "active", "role", "email", "display_name",
         "chapter_id", "scope_chapter_id" OR DELETE OR TRUNCATE ON "users"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('session')`,
    );
    for (const table of ['module_reads', 'milestone_completions']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_progress" AFTER INSERT OR UPDATE OR DELETE ON "${table}"
           FOR EACH ROW EXECUTE FUNCTION academy_notify_row_change('progress', 'user_id')`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_progress_truncated" AFTER TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('progress')`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['milestone_completions', 'module_reads']) {
      await queryRunner.query(`DROP TRIGGER "${table}_notify_progress_truncated" ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER "${table}_notify_progress" ON "${table}"`);
    }
    await queryRunner.query('DROP TRIGGER "users_notify_session" ON "users"');
    await queryRunner.query('DROP TRIGGER "sessions_notify_truncated" ON "sessions"');
    await queryRunner.query('DROP TRIGGER "sessions_notify_ended" ON "sessions"');
    await queryRunner.query('DROP TRIGGER "sessions_notify_written" ON "sessions"');
    await queryRunner.query('DROP FUNCTION academy_notify_row_change()');
  }
}
