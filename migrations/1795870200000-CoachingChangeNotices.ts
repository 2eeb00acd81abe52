import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['evidence_submissions', 'milestone_completions', 'module_reads', 'coach_assignments'];

/**
 * Change notices (topic `coaching`) for the cached coach dashboards: evidence, completions, reads,
 * assignments, and the organizer's name and last sign-in, which the dashboard shows.
 */
export class CoachingChangeNotices1795870200000 implements MigrationInterface {
  name = 'CoachingChangeNotices1795870200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_coaching" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('coaching')`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER "users_notify_coaching" AFTER UPDATE OF "display_name", "last_login_at" ON "users"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('coaching')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "users_notify_coaching" ON "users"');
    for (const table of [...TABLES].reverse()) {
      await queryRunner.query(`DROP TRIGGER "${table}_notify_coaching" ON "${table}"`);
    }
  }
}
