import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The open doors: join requests, partner requests with their history of moves, and introductions
 * (double opt-in). A trigger records on a join request the member it produced, when the invite sent
 * from it is accepted; allowed moves of a partner request are a CHECK on its transitions.
 */
export class Doors1795890500000 implements MigrationInterface {
  name = 'Doors1795890500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "join_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "confirm_token_hash" text, "confirm_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE, "chapter_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" text NOT NULL, "email" text NOT NULL, "country_code" text NOT NULL DEFAULT \'US\', "state_code" text, "region" text NOT NULL DEFAULT \'\', "intent" text NOT NULL, "note" text NOT NULL DEFAULT \'\', "invite_id" uuid, "user_id" uuid, "replied_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_d855c6c6e7087c436abf9288df1" UNIQUE ("confirm_token_hash"), CONSTRAINT "join_requests_confirmed_has_no_token" CHECK ("confirmed_at" IS NULL OR "confirm_token_hash" IS NULL), CONSTRAINT "join_requests_country_format" CHECK ("country_code" ~ \'^[A-Z]{2}$\'), CONSTRAINT "join_requests_intent_known" CHECK ("intent" IN (\'join\', \'start\', \'help\')), CONSTRAINT "join_requests_email_lowercase" CHECK ("email" = lower("email")), CONSTRAINT "PK_3584a09620923a5aaf7de782f0d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "join_requests_chapter" ON "join_requests"  ("chapter_id", "confirmed_at") ',
    );
    await queryRunner.query('CREATE INDEX "join_requests_confirmed" ON "join_requests"  ("confirmed_at") ');
    await queryRunner.query(
      'CREATE TABLE "partner_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "confirm_token_hash" text, "confirm_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE, "chapter_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "organisation" text NOT NULL, "contact_name" text NOT NULL, "contact_email" text NOT NULL, "kind" text NOT NULL, "need" text NOT NULL, "deadline" date, "near_state" text, "status" text NOT NULL DEFAULT \'new\', "status_token_hash" text, CONSTRAINT "UQ_1dd0ad6bd7bf7547eb9bb30683c" UNIQUE ("confirm_token_hash"), CONSTRAINT "UQ_ec589617183ef9db5f84c6691df" UNIQUE ("status_token_hash"), CONSTRAINT "partner_requests_confirmed_has_no_token" CHECK ("confirmed_at" IS NULL OR "confirm_token_hash" IS NULL), CONSTRAINT "partner_requests_status_known" CHECK ("status" IN (\'new\', \'talking\', \'project_started\', \'declined\', \'done\')), CONSTRAINT "partner_requests_kind_known" CHECK ("kind" IN (\'government\', \'nonprofit\', \'company\', \'other\')), CONSTRAINT "partner_requests_email_lowercase" CHECK ("contact_email" = lower("contact_email")), CONSTRAINT "PK_fd71d017be37b179be76c7cd5f0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "partner_requests_chapter" ON "partner_requests"  ("chapter_id", "confirmed_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "partner_requests_confirmed" ON "partner_requests"  ("confirmed_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "partner_request_transitions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "request_id" uuid NOT NULL, "from_status" text NOT NULL, "to_status" text NOT NULL, "note_for_partner" text NOT NULL DEFAULT \'\', "internal_note" text NOT NULL DEFAULT \'\', "actor_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "partner_request_transitions_to_known" CHECK ("to_status" IN (\'new\', \'talking\', \'project_started\', \'declined\', \'done\')), CONSTRAINT "partner_request_transitions_from_known" CHECK ("from_status" IN (\'new\', \'talking\', \'project_started\', \'declined\', \'done\')), CONSTRAINT "PK_f9e5473fb0d21baf873759b6ccd" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "partner_request_transitions_request" ON "partner_request_transitions"  ("request_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "partner_request_transitions_created" ON "partner_request_transitions" ("created_at")',
    );
    await queryRunner.query(
      'CREATE TABLE "introductions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "request_id" uuid NOT NULL, "user_id" uuid NOT NULL, "introduced_by_id" uuid NOT NULL, "partner_token_hash" text NOT NULL, "person_token_hash" text NOT NULL, "partner_answer" text NOT NULL DEFAULT \'pending\', "person_answer" text NOT NULL DEFAULT \'pending\', "message" text NOT NULL DEFAULT \'\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_f32ef3b1b69d8113589f37d71d4" UNIQUE ("partner_token_hash"), CONSTRAINT "UQ_4da5ab6e71bcef9628f3d456719" UNIQUE ("person_token_hash"), CONSTRAINT "introductions_person_answer_known" CHECK ("person_answer" IN (\'pending\', \'accepted\', \'declined\')), CONSTRAINT "introductions_partner_answer_known" CHECK ("partner_answer" IN (\'pending\', \'accepted\', \'declined\')), CONSTRAINT "PK_811d59fa8b5c5255e94438b348e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "introductions_user" ON "introductions"  ("user_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "introductions_one_per_person" ON "introductions"  ("request_id", "user_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "join_requests" ADD CONSTRAINT "FK_902d7463c38d29d027eae9eac7d" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "join_requests" ADD CONSTRAINT "FK_181bf651254f3a3451bf8f67f69" FOREIGN KEY ("invite_id") REFERENCES "invites"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "join_requests" ADD CONSTRAINT "FK_b3ed52f33226ac678d4f931943a" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "partner_requests" ADD CONSTRAINT "FK_b81393be11b5ef82aed0068cb57" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "partner_request_transitions" ADD CONSTRAINT "FK_f666239056ff4b92a0abc4ee9a8" FOREIGN KEY ("request_id") REFERENCES "partner_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "partner_request_transitions" ADD CONSTRAINT "FK_6960c29360add6a525d8d493f6a" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "introductions" ADD CONSTRAINT "FK_02037c747cffa1532202d4baf1f" FOREIGN KEY ("request_id") REFERENCES "partner_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "introductions" ADD CONSTRAINT "FK_c37803b956469a0ceacef9897f2" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "introductions" ADD CONSTRAINT "FK_5d8de5d2973cf635c079094b46c" FOREIGN KEY ("introduced_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `ALTER TABLE "partner_request_transitions" ADD CONSTRAINT "partner_request_transitions_allowed" CHECK ("from_status" = "to_status" OR ("from_status", "to_status") IN (('new', 'talking'), ('new', 'declined'), ('talking', 'project_started'), ('talking', 'declined'), ('talking', 'done'), ('project_started', 'done'), ('project_started', 'declined')))`,
    );
    await queryRunner.query(`CREATE FUNCTION "join_requests_record_member"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE "join_requests" SET "user_id" = NEW."user_id" WHERE "invite_id" = NEW."id" AND "user_id" IS NULL;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "invites_accepted_join_request" AFTER UPDATE OF "user_id" ON "invites" FOR EACH ROW WHEN (NEW."user_id" IS NOT NULL) EXECUTE FUNCTION "join_requests_record_member"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "invites_accepted_join_request" ON "invites"`);
    await queryRunner.query(`DROP FUNCTION "join_requests_record_member"()`);
    await queryRunner.query(
      `ALTER TABLE "partner_request_transitions" DROP CONSTRAINT "partner_request_transitions_allowed"`,
    );
    await queryRunner.query('ALTER TABLE "introductions" DROP CONSTRAINT "FK_5d8de5d2973cf635c079094b46c"');
    await queryRunner.query('ALTER TABLE "introductions" DROP CONSTRAINT "FK_c37803b956469a0ceacef9897f2"');
    await queryRunner.query('ALTER TABLE "introductions" DROP CONSTRAINT "FK_02037c747cffa1532202d4baf1f"');
    await queryRunner.query(
      'ALTER TABLE "partner_request_transitions" DROP CONSTRAINT "FK_6960c29360add6a525d8d493f6a"',
    );
    await queryRunner.query(
      'ALTER TABLE "partner_request_transitions" DROP CONSTRAINT "FK_f666239056ff4b92a0abc4ee9a8"',
    );
    await queryRunner.query(
      'ALTER TABLE "partner_requests" DROP CONSTRAINT "FK_b81393be11b5ef82aed0068cb57"',
    );
    await queryRunner.query('ALTER TABLE "join_requests" DROP CONSTRAINT "FK_b3ed52f33226ac678d4f931943a"');
    await queryRunner.query('ALTER TABLE "join_requests" DROP CONSTRAINT "FK_181bf651254f3a3451bf8f67f69"');
    await queryRunner.query('ALTER TABLE "join_requests" DROP CONSTRAINT "FK_902d7463c38d29d027eae9eac7d"');
    await queryRunner.query('DROP INDEX "public"."introductions_one_per_person"');
    await queryRunner.query('DROP INDEX "public"."introductions_user"');
    await queryRunner.query('DROP TABLE "introductions"');
    await queryRunner.query('DROP INDEX "public"."partner_request_transitions_request"');
    await queryRunner.query('DROP INDEX "public"."partner_request_transitions_created"');
    await queryRunner.query('DROP TABLE "partner_request_transitions"');
    await queryRunner.query('DROP INDEX "public"."partner_requests_confirmed"');
    await queryRunner.query('DROP INDEX "public"."partner_requests_chapter"');
    await queryRunner.query('DROP TABLE "partner_requests"');
    await queryRunner.query('DROP INDEX "public"."join_requests_confirmed"');
    await queryRunner.query('DROP INDEX "public"."join_requests_chapter"');
    await queryRunner.query('DROP TABLE "join_requests"');
  }
}
