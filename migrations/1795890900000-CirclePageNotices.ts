import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change notices (topic `circle_asks`, like circle_posts and circle_replies) for the rest of what a
 * circle's cached first page shows: me-too counts and authors' names. And topic `circle_access` for
 * what decides who belongs to a circle (circles, topic memberships, cohorts' chapters, people's
 * chapter, cohort and active flag), for the cached membership check.
 */
const ACCESS_TABLES = ['circles', 'circle_members', 'cohorts'];
export class CirclePageNotices1795890900000 implements MigrationInterface {
  name = 'CirclePageNotices1795890900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TRIGGER "circle_post_me_too_notify_circle_asks" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "circle_post_me_too"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('circle_asks')`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "users_notify_circle_asks" AFTER UPDATE OF "display_name" ON "users"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('circle_asks')`,
    );
    for (const table of ACCESS_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_circle_access" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('circle_access')`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER "users_notify_circle_access" AFTER UPDATE OF "active", "role", "chapter_id", "cohort_id", "scope_chapter_id" OR DELETE OR TRUNCATE ON "users"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('circle_access')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "users_notify_circle_access" ON "users"');
    for (const table of [...ACCESS_TABLES].reverse())
      await queryRunner.query(`DROP TRIGGER "${table}_notify_circle_access" ON "${table}"`);
    await queryRunner.query('DROP TRIGGER "users_notify_circle_asks" ON "users"');
    await queryRunner.query('DROP TRIGGER "circle_post_me_too_notify_circle_asks" ON "circle_post_me_too"');
  }
}
