import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that let each admin and organizer list page read one page of rows whatever the data
 * size: the people list filtered to the few admins, coaches or inactive accounts (walked in name
 * order); the coach ranking in its order, within the organizer's chapter and overall; open coach
 * requests oldest first; an organizer's coach history; a person's workshop registrations; upcoming
 * workshops (not cancelled, by start, overall and per chapter) and the workshops running now
 * (a GiST index on the time range, so the upcoming list never walks past workshops).
 */
export class ListPageIndexes1795891300000 implements MigrationInterface {
  name = 'ListPageIndexes1795891300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE INDEX "users_admins_by_name" ON "users" ("display_name", "id") WHERE "role" = 'admin'`,
      `CREATE INDEX "users_coaches_by_name" ON "users" ("display_name", "id") WHERE "role" = 'coach'`,
      `CREATE INDEX "users_inactive_by_name" ON "users" ("display_name", "id") WHERE NOT "active"`,
      `CREATE INDEX "coach_loads_rank" ON "coach_loads" (("active" - "capacity"), "waiting", "display_name", "coach_id")`,
      `CREATE INDEX "coach_loads_rank_in_chapter" ON "coach_loads" ("chapter_id", ("active" - "capacity"), "waiting", "display_name", "coach_id")`,
      `CREATE INDEX "coach_requests_open_by_age" ON "coach_requests" ("created_at", "id") WHERE "resolved_at" IS NULL`,
      `CREATE INDEX "coach_assignments_by_organizer" ON "coach_assignments" ("organizer_id", "started_at")`,
      `CREATE INDEX "workshop_registrations_by_user" ON "workshop_registrations" ("user_id", "status")`,
      `CREATE INDEX "workshops_listed" ON "workshops" ("starts_at", "id") WHERE "cancelled_at" IS NULL`,
      `CREATE INDEX "workshops_listed_by_chapter" ON "workshops" ("chapter_id", "starts_at", "id") WHERE "cancelled_at" IS NULL`,
      `CREATE INDEX "workshops_running" ON "workshops" USING gist (tstzrange("starts_at", "ends_at")) WHERE "cancelled_at" IS NULL`,
    ])
      await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of [
      'workshops_running',
      'workshops_listed_by_chapter',
      'workshops_listed',
      'workshop_registrations_by_user',
      'coach_assignments_by_organizer',
      'coach_requests_open_by_age',
      'coach_loads_rank_in_chapter',
      'coach_loads_rank',
      'users_inactive_by_name',
      'users_coaches_by_name',
      'users_admins_by_name',
    ])
      await queryRunner.query(`DROP INDEX "public"."${name}"`);
  }
}
