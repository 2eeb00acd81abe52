import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports' weekly figures read only the rows in their date range: completions and reviews by
 * time (the review index carries what the turnaround needs, answered from the index alone).
 * Certificates by issue date use the admin list's (issued_at, id) index.
 */
export class ReportTimeIndexes1795885200000 implements MigrationInterface {
  name = 'ReportTimeIndexes1795885200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX "milestone_completions_by_time" ON "milestone_completions" ("completed_at", "user_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "submission_reviews_by_time" ON "submission_reviews" ("created_at", "submission_id", "reviewer_id") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."submission_reviews_by_time"');
    await queryRunner.query('DROP INDEX "public"."milestone_completions_by_time"');
  }
}
