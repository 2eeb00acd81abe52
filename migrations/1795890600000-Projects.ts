import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects of chapters (partner, problem, status, links, lead, volunteers), their "people helped"
 * history, the roles they need and who is interested, and certified organizers' opt-in to the
 * public talent listing.
 */
export class Projects1795890600000 implements MigrationInterface {
  name = 'Projects1795890600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "chapter_id" uuid NOT NULL, "name" text NOT NULL, "partner" text NOT NULL DEFAULT \'\', "problem" text NOT NULL, "status" text NOT NULL DEFAULT \'idea\', "links" jsonb NOT NULL DEFAULT \'[]\', "public" boolean NOT NULL DEFAULT false, "lead_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "projects_problem_length" CHECK (char_length("problem") BETWEEN 1 AND 4000), CONSTRAINT "projects_partner_length" CHECK (char_length("partner") <= 200), CONSTRAINT "projects_name_length" CHECK (char_length("name") BETWEEN 1 AND 120), CONSTRAINT "projects_status_known" CHECK ("status" IN (\'idea\', \'active\', \'paused\', \'done\')), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "projects_led_by" ON "projects"  ("lead_id") ');
    await queryRunner.query('CREATE INDEX "projects_of_chapter" ON "projects"  ("chapter_id", "status") ');
    await queryRunner.query(
      'CREATE TABLE "project_volunteers" ("project_id" uuid NOT NULL, "user_id" uuid NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f553cb0aba5c8f999a655ceab10" PRIMARY KEY ("project_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "project_volunteers_by_user" ON "project_volunteers"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "project_impacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "people_helped" integer NOT NULL, "unit" text NOT NULL, "method" text NOT NULL, "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "project_impacts_method_length" CHECK (char_length("method") BETWEEN 1 AND 1000), CONSTRAINT "project_impacts_unit_length" CHECK (char_length("unit") BETWEEN 1 AND 60), CONSTRAINT "project_impacts_people_non_negative" CHECK ("people_helped" >= 0), CONSTRAINT "PK_a80f448cb3813dd50ec2fad1e1a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "project_impacts_history" ON "project_impacts"  ("project_id", "recorded_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "project_roles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "title" text NOT NULL, "commitment" text NOT NULL, "skills" text NOT NULL DEFAULT \'\', "open" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "project_roles_skills_length" CHECK (char_length("skills") <= 300), CONSTRAINT "project_roles_commitment_length" CHECK (char_length("commitment") BETWEEN 1 AND 120), CONSTRAINT "project_roles_title_length" CHECK (char_length("title") BETWEEN 1 AND 120), CONSTRAINT "PK_8ac6a6996b6eaeae7b8fbb669f1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "project_roles_board" ON "project_roles"  ("created_at", "id") WHERE "open"',
    );
    await queryRunner.query(
      'CREATE INDEX "project_roles_of_project" ON "project_roles"  ("project_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "role_interests" ("role_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7b196d1d9d7b210aafd61d74a13" PRIMARY KEY ("role_id", "user_id"))',
    );
    await queryRunner.query('CREATE INDEX "role_interests_by_user" ON "role_interests"  ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "talent_listings" ("user_id" uuid NOT NULL, "skills" text NOT NULL DEFAULT \'\', "note" text NOT NULL DEFAULT \'\', "listed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "talent_listings_note_length" CHECK (char_length("note") <= 500), CONSTRAINT "talent_listings_skills_length" CHECK (char_length("skills") <= 300), CONSTRAINT "PK_2b38c0c051bbf64d0b7df427395" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "certificates_awards" ON "certificates"  ("awarded_at") WHERE "superseded_at" IS NULL',
    );
    await queryRunner.query(
      'ALTER TABLE "projects" ADD CONSTRAINT "FK_f04723961ecf10029351a5da6ea" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "projects" ADD CONSTRAINT "FK_f92749a9dcdd54f83bdde8edfd5" FOREIGN KEY ("lead_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "projects" ADD CONSTRAINT "FK_8a7ccdb94bcc8635f933c8f8080" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "project_volunteers" ADD CONSTRAINT "FK_4dfdbd85a70e2cd145dc6c90acb" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "project_volunteers" ADD CONSTRAINT "FK_2627d39be4f32732dc75a6fed1b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "project_impacts" ADD CONSTRAINT "FK_dee3cae553166dc00574f014933" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "project_impacts" ADD CONSTRAINT "FK_58a16aeacaa6ef0ed0b90815f8d" FOREIGN KEY ("recorded_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "project_roles" ADD CONSTRAINT "FK_acdc465c26e9c6e166b0249131b" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "role_interests" ADD CONSTRAINT "FK_5d6d859794d0c2f41278bfc8d31" FOREIGN KEY ("role_id") REFERENCES "project_roles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "role_interests" ADD CONSTRAINT "FK_fe72233fe02b84609b8c7057abd" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "talent_listings" ADD CONSTRAINT "FK_2b38c0c051bbf64d0b7df427395" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."certificates_awards"');
    await queryRunner.query('ALTER TABLE "talent_listings" DROP CONSTRAINT "FK_2b38c0c051bbf64d0b7df427395"');
    await queryRunner.query('ALTER TABLE "role_interests" DROP CONSTRAINT "FK_fe72233fe02b84609b8c7057abd"');
    await queryRunner.query('ALTER TABLE "role_interests" DROP CONSTRAINT "FK_5d6d859794d0c2f41278bfc8d31"');
    await queryRunner.query('ALTER TABLE "project_roles" DROP CONSTRAINT "FK_acdc465c26e9c6e166b0249131b"');
    await queryRunner.query('ALTER TABLE "project_impacts" DROP CONSTRAINT "FK_58a16aeacaa6ef0ed0b90815f8d"');
    await queryRunner.query('ALTER TABLE "project_impacts" DROP CONSTRAINT "FK_dee3cae553166dc00574f014933"');
    await queryRunner.query(
      'ALTER TABLE "project_volunteers" DROP CONSTRAINT "FK_2627d39be4f32732dc75a6fed1b"',
    );
    await queryRunner.query(
      'ALTER TABLE "project_volunteers" DROP CONSTRAINT "FK_4dfdbd85a70e2cd145dc6c90acb"',
    );
    await queryRunner.query('ALTER TABLE "projects" DROP CONSTRAINT "FK_8a7ccdb94bcc8635f933c8f8080"');
    await queryRunner.query('ALTER TABLE "projects" DROP CONSTRAINT "FK_f92749a9dcdd54f83bdde8edfd5"');
    await queryRunner.query('ALTER TABLE "projects" DROP CONSTRAINT "FK_f04723961ecf10029351a5da6ea"');
    await queryRunner.query('DROP TABLE "talent_listings"');
    await queryRunner.query('DROP INDEX "public"."role_interests_by_user"');
    await queryRunner.query('DROP TABLE "role_interests"');
    await queryRunner.query('DROP INDEX "public"."project_roles_of_project"');
    await queryRunner.query('DROP INDEX "public"."project_roles_board"');
    await queryRunner.query('DROP TABLE "project_roles"');
    await queryRunner.query('DROP INDEX "public"."project_impacts_history"');
    await queryRunner.query('DROP TABLE "project_impacts"');
    await queryRunner.query('DROP INDEX "public"."project_volunteers_by_user"');
    await queryRunner.query('DROP TABLE "project_volunteers"');
    await queryRunner.query('DROP INDEX "public"."projects_of_chapter"');
    await queryRunner.query('DROP INDEX "public"."projects_led_by"');
    await queryRunner.query('DROP TABLE "projects"');
  }
}
