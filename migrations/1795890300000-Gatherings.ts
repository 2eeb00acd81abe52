import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gatherings of circles (hack nights, potlucks, circle calls), their yes/no answers and attendance.
 * A gathering belongs to a circle and carries that circle's chapter for chapter pages and reports.
 */
export class Gatherings1795890300000 implements MigrationInterface {
  name = 'Gatherings1795890300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "gatherings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "circle_id" uuid NOT NULL, "chapter_id" uuid, "kind" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT \'\', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "time_zone" text NOT NULL, "location" text NOT NULL DEFAULT \'\', "online_url" text, "capacity" integer, "public" boolean NOT NULL DEFAULT false, "created_by_id" uuid NOT NULL, "cancelled_at" TIMESTAMP WITH TIME ZONE, "check_in_secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "gatherings_has_a_place" CHECK ("location" <> \'\' OR "online_url" IS NOT NULL), CONSTRAINT "gatherings_description_length" CHECK (char_length("description") <= 10000), CONSTRAINT "gatherings_title_length" CHECK (char_length("title") BETWEEN 1 AND 200), CONSTRAINT "gatherings_capacity_positive" CHECK ("capacity" IS NULL OR "capacity" >= 1), CONSTRAINT "gatherings_ends_after_start" CHECK ("ends_at" > "starts_at"), CONSTRAINT "gatherings_kind_known" CHECK ("kind" IN (\'hack_night\', \'potluck\', \'circle_call\', \'other\')), CONSTRAINT "PK_166a83670dcd6ef19b6b4b38d89" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "gatherings_starts_at" ON "gatherings"  ("starts_at", "id") ');
    await queryRunner.query(
      'CREATE INDEX "gatherings_chapter_starts" ON "gatherings"  ("chapter_id", "starts_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "gatherings_circle_upcoming" ON "gatherings"  ("circle_id", "starts_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "gathering_rsvps" ("gathering_id" uuid NOT NULL, "user_id" uuid NOT NULL, "answer" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "gathering_rsvps_answer_known" CHECK ("answer" IN (\'yes\', \'no\')), CONSTRAINT "PK_edaee04776dbd013a06247890cf" PRIMARY KEY ("gathering_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "gathering_rsvps_answers" ON "gathering_rsvps"  ("gathering_id", "answer") ',
    );
    await queryRunner.query(
      'CREATE TABLE "gathering_attendance" ("gathering_id" uuid NOT NULL, "user_id" uuid NOT NULL, "status" text NOT NULL, "walk_in" boolean NOT NULL DEFAULT false, "self_check_in" boolean NOT NULL DEFAULT false, "marked_by_id" uuid NOT NULL, "marked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "gathering_attendance_status_known" CHECK ("status" IN (\'present\', \'absent\')), CONSTRAINT "PK_2b4eaab65838a2e0e9ee6484efb" PRIMARY KEY ("gathering_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "gathering_attendance_by_person" ON "gathering_attendance"  ("user_id", "gathering_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "gatherings" ADD CONSTRAINT "FK_c89b2d05934238c57355caf697a" FOREIGN KEY ("circle_id") REFERENCES "circles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gatherings" ADD CONSTRAINT "FK_7f51d491eaf236bede937d6cd1b" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gatherings" ADD CONSTRAINT "FK_8b71371f54c22a19477883af7b3" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_rsvps" ADD CONSTRAINT "FK_12bea75fab36bc34fabe0ccd4b7" FOREIGN KEY ("gathering_id") REFERENCES "gatherings"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_rsvps" ADD CONSTRAINT "FK_ba4f80971bf2fbc3e46e7c993be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" ADD CONSTRAINT "FK_bb448e87f44d3e3054d262a7504" FOREIGN KEY ("gathering_id") REFERENCES "gatherings"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" ADD CONSTRAINT "FK_b5262568ed2cd7ad6b0174d60b7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" ADD CONSTRAINT "FK_ed83d2773723e98cd9a990adda9" FOREIGN KEY ("marked_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" DROP CONSTRAINT "FK_ed83d2773723e98cd9a990adda9"',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" DROP CONSTRAINT "FK_b5262568ed2cd7ad6b0174d60b7"',
    );
    await queryRunner.query(
      'ALTER TABLE "gathering_attendance" DROP CONSTRAINT "FK_bb448e87f44d3e3054d262a7504"',
    );
    await queryRunner.query('ALTER TABLE "gathering_rsvps" DROP CONSTRAINT "FK_ba4f80971bf2fbc3e46e7c993be"');
    await queryRunner.query('ALTER TABLE "gathering_rsvps" DROP CONSTRAINT "FK_12bea75fab36bc34fabe0ccd4b7"');
    await queryRunner.query('ALTER TABLE "gatherings" DROP CONSTRAINT "FK_8b71371f54c22a19477883af7b3"');
    await queryRunner.query('ALTER TABLE "gatherings" DROP CONSTRAINT "FK_7f51d491eaf236bede937d6cd1b"');
    await queryRunner.query('ALTER TABLE "gatherings" DROP CONSTRAINT "FK_c89b2d05934238c57355caf697a"');
    await queryRunner.query('DROP INDEX "public"."gathering_attendance_by_person"');
    await queryRunner.query('DROP TABLE "gathering_attendance"');
    await queryRunner.query('DROP INDEX "public"."gathering_rsvps_answers"');
    await queryRunner.query('DROP TABLE "gathering_rsvps"');
    await queryRunner.query('DROP INDEX "public"."gatherings_circle_upcoming"');
    await queryRunner.query('DROP INDEX "public"."gatherings_chapter_starts"');
    await queryRunner.query('DROP INDEX "public"."gatherings_starts_at"');
    await queryRunner.query('DROP TABLE "gatherings"');
  }
}
