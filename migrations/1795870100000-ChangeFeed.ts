import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change notices for per-process caches (src/db/change-feed.ts): after a statement changes the
 * tables behind a public certificate (the certificate, its successor, the holder's name, the status
 * lists), PostgreSQL notifies every listening app process of the topic `certificates` on commit.
 */
export class ChangeFeed1795870100000 implements MigrationInterface {
  name = 'ChangeFeed1795870100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION academy_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('academy_changes', TG_ARGV[0]);
        RETURN NULL;
      END
      $$`);
    for (const table of ['certificates', 'status_lists']) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('certificates')`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER "users_notify_name_change" AFTER UPDATE OF "display_name" ON "users"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('certificates')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "users_notify_name_change" ON "users"');
    await queryRunner.query('DROP TRIGGER "status_lists_notify_change" ON "status_lists"');
    await queryRunner.query('DROP TRIGGER "certificates_notify_change" ON "certificates"');
    await queryRunner.query('DROP FUNCTION academy_notify_change()');
  }
}
