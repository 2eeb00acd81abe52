import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin people list by index: name order, overall and within a chapter (keyset paging walks
 * it; reports and member counts filter by chapter and cohort), and trigram indexes so
 * "name or email contains …" searches do not read every account. pg_trgm ships with PostgreSQL
 * (contrib, in the embedded build too) and is a trusted extension since PostgreSQL 13, so the
 * database owner may create it without superuser rights.
 */
export class PeopleListIndexes1795885100000 implements MigrationInterface {
  name = 'PeopleListIndexes1795885100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query('CREATE INDEX "users_by_name" ON "users" ("display_name", "id") ');
    await queryRunner.query(
      'CREATE INDEX "users_by_chapter" ON "users" ("chapter_id", "display_name", "id") ',
    );
    await queryRunner.query('CREATE INDEX "users_by_cohort" ON "users" ("cohort_id") ');
    await queryRunner.query(
      'CREATE INDEX "users_display_name_trigram" ON "users" USING gin ("display_name" gin_trgm_ops)',
    );
    await queryRunner.query('CREATE INDEX "users_email_trigram" ON "users" USING gin ("email" gin_trgm_ops)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."users_email_trigram"');
    await queryRunner.query('DROP INDEX "public"."users_display_name_trigram"');
    await queryRunner.query('DROP INDEX "public"."users_by_cohort"');
    await queryRunner.query('DROP INDEX "public"."users_by_chapter"');
    await queryRunner.query('DROP INDEX "public"."users_by_name"');
    // The extension stays: other objects may use it by now, and keeping it harms nothing.
  }
}
