import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables behind the public chapter page's gatherings, projects and listed organizers. */
const SLOT_SOURCES: [string, string, string][] = [
  ['gatherings', 'gatherings_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['projects', 'projects_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['project_impacts', 'project_impacts_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['project_roles', 'project_roles_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['talent_listings', 'talent_listings_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['certificates', 'certificates_notify_directory', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['users', 'users_notify_directory_chapter', 'UPDATE OF "chapter_id"'],
];

/**
 * The public chapter page shows public gatherings, public projects (with their latest impact and open
 * roles) and listed organizers (with their current certificate): changes to those tables now notify
 * the `directory` topic too, so cached anonymous chapter pages are dropped at once in every process.
 */
export class DirectorySlotsNotify1795891000000 implements MigrationInterface {
  name = 'DirectorySlotsNotify1795891000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, trigger, events] of SLOT_SOURCES)
      await queryRunner.query(
        `CREATE TRIGGER "${trigger}" AFTER ${events} ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('directory')`,
      );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, trigger] of [...SLOT_SOURCES].reverse())
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "${table}"`);
  }
}
