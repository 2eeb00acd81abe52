import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Workshops1795862762816 implements MigrationInterface {
  name = 'Workshops1795862762816';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "workshops" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" text NOT NULL, "description" text NOT NULL DEFAULT \'\', "milestone_ids" text array NOT NULL DEFAULT \'{}\', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "time_zone" text NOT NULL, "location" text NOT NULL DEFAULT \'\', "online_url" text, "capacity" integer NOT NULL, "chapter_id" uuid, "created_by_id" uuid NOT NULL, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "workshops_description_length" CHECK (char_length("description") <= 10000), CONSTRAINT "workshops_title_length" CHECK (char_length("title") BETWEEN 1 AND 200), CONSTRAINT "workshops_capacity_positive" CHECK ("capacity" >= 1), CONSTRAINT "workshops_ends_after_start" CHECK ("ends_at" > "starts_at"), CONSTRAINT "PK_6d0e82a124f5b53df91c8989848" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "workshops_starts_at" ON "workshops"  ("starts_at") ');
    await queryRunner.query(
      'CREATE TABLE "workshop_facilitators" ("workshop_id" uuid NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_689757ca230291b4b210cebaa0d" PRIMARY KEY ("workshop_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "workshop_registrations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workshop_id" uuid NOT NULL, "user_id" uuid NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "workshop_registrations_status_known" CHECK ("status" IN (\'registered\', \'waitlisted\', \'cancelled\')), CONSTRAINT "PK_70cf3ddc524df0a829737935939" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "workshop_registrations_queue" ON "workshop_registrations"  ("workshop_id", "status", "created_at") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "workshop_registrations_one_active" ON "workshop_registrations"  ("workshop_id", "user_id") WHERE "status" <> \'cancelled\'',
    );
    await queryRunner.query(
      'ALTER TABLE "workshops" ADD CONSTRAINT "FK_20081c0310a1c776aa60bb062d7" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshops" ADD CONSTRAINT "FK_458a8f9f5d5f6e99fc14eab44f8" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_facilitators" ADD CONSTRAINT "FK_1ade247f6b74429478e14de0baa" FOREIGN KEY ("workshop_id") REFERENCES "workshops"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_facilitators" ADD CONSTRAINT "FK_4163be0cb46bf30b0b1e84a0a09" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_registrations" ADD CONSTRAINT "FK_7cbbd46cce4ba6ff2cba16d8aa9" FOREIGN KEY ("workshop_id") REFERENCES "workshops"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_registrations" ADD CONSTRAINT "FK_280c85504bd7afe86fad69bcfab" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "workshop_registrations" DROP CONSTRAINT "FK_280c85504bd7afe86fad69bcfab"',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_registrations" DROP CONSTRAINT "FK_7cbbd46cce4ba6ff2cba16d8aa9"',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_facilitators" DROP CONSTRAINT "FK_4163be0cb46bf30b0b1e84a0a09"',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_facilitators" DROP CONSTRAINT "FK_1ade247f6b74429478e14de0baa"',
    );
    await queryRunner.query('ALTER TABLE "workshops" DROP CONSTRAINT "FK_458a8f9f5d5f6e99fc14eab44f8"');
    await queryRunner.query('ALTER TABLE "workshops" DROP CONSTRAINT "FK_20081c0310a1c776aa60bb062d7"');
    await queryRunner.query('DROP INDEX "public"."workshop_registrations_one_active"');
    await queryRunner.query('DROP INDEX "public"."workshop_registrations_queue"');
    await queryRunner.query('DROP TABLE "workshop_registrations"');
    await queryRunner.query('DROP TABLE "workshop_facilitators"');
    await queryRunner.query('DROP INDEX "public"."workshops_starts_at"');
    await queryRunner.query('DROP TABLE "workshops"');
  }
}
