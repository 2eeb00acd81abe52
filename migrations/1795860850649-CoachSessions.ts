import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CoachSessions1795860850649 implements MigrationInterface {
  name = 'CoachSessions1795860850649';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "coach_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organizer_id" uuid NOT NULL, "coach_id" uuid NOT NULL, "held_on" date NOT NULL, "duration_minutes" integer NOT NULL, "private_notes" text NOT NULL DEFAULT \'\', "next_step" text NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coach_sessions_notes_length" CHECK (char_length("private_notes") <= 10000 AND char_length("next_step") <= 1000), CONSTRAINT "coach_sessions_duration" CHECK ("duration_minutes" BETWEEN 1 AND 600), CONSTRAINT "PK_97207d96eb3f060f5a594ae93b8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "coach_sessions_organizer" ON "coach_sessions"  ("organizer_id", "held_on") ',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_sessions" ADD CONSTRAINT "FK_1475fc41f281160296f40a4a2ed" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "coach_sessions" ADD CONSTRAINT "FK_2ff7c9653804514ed217f5bb017" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "coach_sessions" DROP CONSTRAINT "FK_2ff7c9653804514ed217f5bb017"');
    await queryRunner.query('ALTER TABLE "coach_sessions" DROP CONSTRAINT "FK_1475fc41f281160296f40a4a2ed"');
    await queryRunner.query('DROP INDEX "public"."coach_sessions_organizer"');
    await queryRunner.query('DROP TABLE "coach_sessions"');
  }
}
