import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At least one active admin of the whole academy (no chapter scope) always remains: a deferred
 * constraint trigger refuses, at commit, any change or deletion that leaves none. It takes the same
 * advisory lock as the app's admin checks (lockAdminSet), so two transactions each removing a
 * different admin are checked one after the other and the second is refused.
 */
export class KeepAnAcademyAdmin1795882000000 implements MigrationInterface {
  name = 'KeepAnAcademyAdmin1795882000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION "users_keep_an_academy_admin"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('organizer-academy:admins'));
        IF NOT EXISTS (SELECT 1 FROM "users"
                        WHERE "role" = 'admin' AND "active" AND "scope_chapter_id" IS NULL) THEN
          RAISE EXCEPTION 'At least one active admin of the whole academy must remain.'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_keep_an_academy_admin';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER "users_keep_an_academy_admin"
        AFTER UPDATE OR DELETE ON "users" DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW
        WHEN (OLD."role" = 'admin' AND OLD."active" AND OLD."scope_chapter_id" IS NULL)
        EXECUTE FUNCTION "users_keep_an_academy_admin"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "users_keep_an_academy_admin" ON "users"');
    await queryRunner.query('DROP FUNCTION "users_keep_an_academy_admin"()');
  }
}
