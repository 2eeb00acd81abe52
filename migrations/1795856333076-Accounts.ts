import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1795856333076 implements MigrationInterface {
  name = 'Accounts1795856333076';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "chapters" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "region" text NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_763fd9caff55ea1f33aa146a4b8" UNIQUE ("name"), CONSTRAINT "chapters_region_length" CHECK (char_length("region") <= 120), CONSTRAINT "chapters_name_length" CHECK (char_length("name") BETWEEN 1 AND 120), CONSTRAINT "PK_a2bbdbb4bdc786fe0cb0fcfc4a0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "chapter_id" uuid, "active" boolean NOT NULL DEFAULT true, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "users_role_known" CHECK ("role" IN (\'organizer\', \'coach\', \'admin\')), CONSTRAINT "users_display_name_length" CHECK (char_length("display_name") BETWEEN 1 AND 100), CONSTRAINT "users_email_length" CHECK (char_length("email") BETWEEN 3 AND 254), CONSTRAINT "users_email_lowercase" CHECK ("email" = lower("email")), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "invites" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "role" text NOT NULL, "chapter_id" uuid, "token_hash" text NOT NULL, "invited_by_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_0843131f4ae91435709527a4f18" UNIQUE ("token_hash"), CONSTRAINT "invites_not_both_accepted_and_revoked" CHECK ("accepted_at" IS NULL OR "revoked_at" IS NULL), CONSTRAINT "invites_role_known" CHECK ("role" IN (\'organizer\', \'coach\', \'admin\')), CONSTRAINT "invites_email_lowercase" CHECK ("email" = lower("email")), CONSTRAINT "PK_aa52e96b44a714372f4dd31a0af" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "invites_one_open_per_email" ON "invites"  ("email") WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "password_resets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_323290a9239ad3d397ad78018ec" UNIQUE ("token_hash"), CONSTRAINT "PK_4816377aa98211c1de34469e742" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "setup_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_38e8b2c8ceb99dce3e046da7c57" UNIQUE ("token_hash"), CONSTRAINT "PK_c0126c8e0a96d2587921ef73160" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "actor_id" uuid, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "details" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "audit_events_action_format" CHECK ("action" ~ \'^[a-z_]+\\.[a-z_]+$\'), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "audit_events_created_at" ON "audit_events"  ("created_at") ');
    await queryRunner.query(
      'CREATE INDEX "audit_events_subject" ON "audit_events"  ("subject_type", "subject_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "to_address" text NOT NULL, "subject" text NOT NULL, "body_text" text NOT NULL, "status" text NOT NULL DEFAULT \'queued\', "attempts" integer NOT NULL DEFAULT \'0\', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "outbox_attempts_non_negative" CHECK ("attempts" >= 0), CONSTRAINT "outbox_status_known" CHECK ("status" IN (\'queued\', \'sent\', \'failed\')), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "outbox_due" ON "outbox"  ("status", "next_attempt_at") ');
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_c6cce38123504ad377a2bc70a0f" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_1701f22f121ffbdfbd846636583" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_997b4c1cbb58bd9467ab0f8e0e3" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_188bacba32eb63b759f3578dd5b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "password_resets" ADD CONSTRAINT "FK_f7a4c3bc48f24df007936d217be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "audit_events" ADD CONSTRAINT "FK_04c7c044146c6632491a370fc04" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "audit_events" DROP CONSTRAINT "FK_04c7c044146c6632491a370fc04"');
    await queryRunner.query('ALTER TABLE "password_resets" DROP CONSTRAINT "FK_f7a4c3bc48f24df007936d217be"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_188bacba32eb63b759f3578dd5b"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_997b4c1cbb58bd9467ab0f8e0e3"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_1701f22f121ffbdfbd846636583"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_c6cce38123504ad377a2bc70a0f"');
    await queryRunner.query('DROP INDEX "public"."outbox_due"');
    await queryRunner.query('DROP TABLE "outbox"');
    await queryRunner.query('DROP INDEX "public"."audit_events_subject"');
    await queryRunner.query('DROP INDEX "public"."audit_events_created_at"');
    await queryRunner.query('DROP TABLE "audit_events"');
    await queryRunner.query('DROP TABLE "setup_tokens"');
    await queryRunner.query('DROP TABLE "password_resets"');
    await queryRunner.query('DROP INDEX "public"."invites_one_open_per_email"');
    await queryRunner.query('DROP TABLE "invites"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP TABLE "chapters"');
  }
}
