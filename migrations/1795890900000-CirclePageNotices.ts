import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change notices (topic `circle_asks`, like circle_posts and circle_replies) for the rest of what a
 * circle's cached first page shows: me-too counts and authors' names.
 */
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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "users_notify_circle_asks" ON "users"');
    await queryRunner.query('DROP TRIGGER "circle_post_me_too_notify_circle_asks" ON "circle_post_me_too"');
  }
}
