import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Coaching1795860510353 implements MigrationInterface {
  name = 'Coaching1795860510353';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "coach_assignments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organizer_id" uuid NOT NULL, "coach_id" uuid NOT NULL, "assigned_by_id" uuid NOT NULL, "over_capacity" boolean NOT NULL DEFAULT false, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" text, CONSTRAINT "coach_assignments_end_reason" CHECK ("ended_at" IS NULL OR char_length("end_reason") > 0), CONSTRAINT "coach_assignments_not_self" CHECK ("organizer_id" <> "coach_id"), CONSTRAINT "PK_d1a91ebff25ffde9e0fd0ffe66b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "coach_assignments_coach" ON "coach_assignments"  ("coach_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "coach_assignments_one_active_per_organizer" ON "coach_assignments"  ("organizer_id") WHERE "ended_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "coach_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organizer_id" uuid NOT NULL, "message" text NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "coach_requests_message_length" CHECK (char_length("message") <= 1000), CONSTRAINT "PK_b2ff59209eb62d0f487abae50f1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "coach_requests_one_open_per_organizer" ON "coach_requests"  ("organizer_id") WHERE "resolved_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "evidence_submissions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organizer_id" uuid NOT NULL, "milestone_id" text NOT NULL, "attempt" integer NOT NULL, "revision" integer NOT NULL DEFAULT \'1\', "body" text NOT NULL, "links" jsonb NOT NULL, "status" text NOT NULL DEFAULT \'pending\', "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "evidence_submissions_body_length" CHECK (char_length("body") BETWEEN 1 AND 10000), CONSTRAINT "evidence_submissions_status_known" CHECK ("status" IN (\'pending\', \'approved\', \'changes_requested\', \'withdrawn\')), CONSTRAINT "PK_3bbdef72a9ac40f39bd3006dec5" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "evidence_submissions_pending" ON "evidence_submissions"  ("status", "submitted_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "evidence_submissions_one_open" ON "evidence_submissions"  ("organizer_id", "milestone_id") WHERE "status" IN (\'pending\', \'approved\')',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "evidence_submissions_attempt" ON "evidence_submissions"  ("organizer_id", "milestone_id", "attempt") ',
    );
    await queryRunner.query(
      'CREATE TABLE "submission_reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "submission_id" uuid NOT NULL, "reviewer_id" uuid NOT NULL, "decision" text NOT NULL, "feedback" text NOT NULL DEFAULT \'\', "read_by_organizer_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawn_by_id" uuid, "withdraw_reason" text, CONSTRAINT "submission_reviews_withdrawal" CHECK ("withdrawn_at" IS NULL OR ("decision" = \'approved\' AND char_length("withdraw_reason") > 0)), CONSTRAINT "submission_reviews_feedback_length" CHECK (char_length("feedback") <= 10000), CONSTRAINT "submission_reviews_decision_known" CHECK ("decision" IN (\'approved\', \'changes_requested\')), CONSTRAINT "PK_47f6acb163c2ca94e3c51d3919b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "submission_reviews_one_per_submission" ON "submission_reviews"  ("submission_id") ',
    );
    await queryRunner.query('ALTER TABLE "users" ADD "coach_capacity" integer NOT NULL DEFAULT \'8\'');
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "users_coach_capacity_range" CHECK ("coach_capacity" BETWEEN 0 AND 100)',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" ADD CONSTRAINT "FK_572103aabfef3db63a7e84a53eb" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" ADD CONSTRAINT "FK_b33efaa5d87a9983a662b3d7395" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" ADD CONSTRAINT "FK_0f837655b2438f16114d7c42ec8" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_requests" ADD CONSTRAINT "FK_70ac7d38138b2a7db51429b3691" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "evidence_submissions" ADD CONSTRAINT "FK_56534d3da5dbf8ce45549b15909" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "submission_reviews" ADD CONSTRAINT "FK_1ab119346414a4447e49c203538" FOREIGN KEY ("submission_id") REFERENCES "evidence_submissions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "submission_reviews" ADD CONSTRAINT "FK_103d6d03179c758c4c847df91ff" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "submission_reviews" DROP CONSTRAINT "FK_103d6d03179c758c4c847df91ff"',
    );
    await queryRunner.query(
      'ALTER TABLE "submission_reviews" DROP CONSTRAINT "FK_1ab119346414a4447e49c203538"',
    );
    await queryRunner.query(
      'ALTER TABLE "evidence_submissions" DROP CONSTRAINT "FK_56534d3da5dbf8ce45549b15909"',
    );
    await queryRunner.query('ALTER TABLE "coach_requests" DROP CONSTRAINT "FK_70ac7d38138b2a7db51429b3691"');
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" DROP CONSTRAINT "FK_0f837655b2438f16114d7c42ec8"',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" DROP CONSTRAINT "FK_b33efaa5d87a9983a662b3d7395"',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_assignments" DROP CONSTRAINT "FK_572103aabfef3db63a7e84a53eb"',
    );
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "users_coach_capacity_range"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "coach_capacity"');
    await queryRunner.query('DROP INDEX "public"."submission_reviews_one_per_submission"');
    await queryRunner.query('DROP TABLE "submission_reviews"');
    await queryRunner.query('DROP INDEX "public"."evidence_submissions_attempt"');
    await queryRunner.query('DROP INDEX "public"."evidence_submissions_one_open"');
    await queryRunner.query('DROP INDEX "public"."evidence_submissions_pending"');
    await queryRunner.query('DROP TABLE "evidence_submissions"');
    await queryRunner.query('DROP INDEX "public"."coach_requests_one_open_per_organizer"');
    await queryRunner.query('DROP TABLE "coach_requests"');
    await queryRunner.query('DROP INDEX "public"."coach_assignments_one_active_per_organizer"');
    await queryRunner.query('DROP INDEX "public"."coach_assignments_coach"');
    await queryRunner.query('DROP TABLE "coach_assignments"');
  }
}
