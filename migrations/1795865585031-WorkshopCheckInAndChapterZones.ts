import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkshopCheckInAndChapterZones1795865585031 implements MigrationInterface {
  name = 'WorkshopCheckInAndChapterZones1795865585031';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "chapters" ADD "time_zone" text');
    await queryRunner.query(
      'ALTER TABLE "workshops" ADD "check_in_secret" text NOT NULL DEFAULT gen_random_uuid()::text',
    );
    // New workshops get their secret from the app; the default only fills in existing rows.
    await queryRunner.query('ALTER TABLE "workshops" ALTER COLUMN "check_in_secret" DROP DEFAULT');
    await queryRunner.query('ALTER TABLE "workshop_attendance" ADD "checked_in_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" ADD "self_check_in" boolean NOT NULL DEFAULT false',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "workshop_attendance" DROP COLUMN "self_check_in"');
    await queryRunner.query('ALTER TABLE "workshop_attendance" DROP COLUMN "checked_in_at"');
    await queryRunner.query('ALTER TABLE "workshops" DROP COLUMN "check_in_secret"');
    await queryRunner.query('ALTER TABLE "chapters" DROP COLUMN "time_zone"');
  }
}
