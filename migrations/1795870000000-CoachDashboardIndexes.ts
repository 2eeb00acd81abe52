import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Index-only probes for the coach dashboard's per-organizer summary and review queue. */
export class CoachDashboardIndexes1795870000000 implements MigrationInterface {
  name = 'CoachDashboardIndexes1795870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "evidence_submissions_pending_by_organizer" ON "evidence_submissions" ("organizer_id", "submitted_at") WHERE "status" = \'pending\'',
    );
    await queryRunner.query(
      'CREATE INDEX "evidence_submissions_organizer_activity" ON "evidence_submissions" ("organizer_id", "submitted_at")',
    );
    await queryRunner.query(
      'CREATE INDEX "module_reads_user_activity" ON "module_reads" ("user_id", "read_at")',
    );
    await queryRunner.query(
      'CREATE INDEX "milestone_completions_user_track" ON "milestone_completions" ("user_id", "track_id", "completed_at")',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."milestone_completions_user_track"');
    await queryRunner.query('DROP INDEX "public"."module_reads_user_activity"');
    await queryRunner.query('DROP INDEX "public"."evidence_submissions_organizer_activity"');
    await queryRunner.query('DROP INDEX "public"."evidence_submissions_pending_by_organizer"');
  }
}
