import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Certificates1795866067980 implements MigrationInterface {
  name = 'Certificates1795866067980';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "issuer_keys" ("key_number" integer NOT NULL, "verification_method" text NOT NULL, "public_key_multibase" text NOT NULL, "secret_key_multibase" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_31333fb37d417479557596e84eb" UNIQUE ("verification_method"), CONSTRAINT "issuer_keys_number_positive" CHECK ("key_number" >= 1), CONSTRAINT "PK_c1a4f92631ee48f104dc7de5b1f" PRIMARY KEY ("key_number"))',
    );
    await queryRunner.query(
      'CREATE TABLE "status_lists" ("id" integer NOT NULL, "size" integer NOT NULL DEFAULT \'131072\', "next_index" integer NOT NULL DEFAULT \'0\', "version" integer NOT NULL DEFAULT \'0\', "credential" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "status_lists_next_slot" CHECK ("next_index" BETWEEN 0 AND "size"), CONSTRAINT "status_lists_size" CHECK ("size" >= 131072), CONSTRAINT "PK_adc0737adaeb00543ac6839cc2b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "certificates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "user_id" uuid NOT NULL, "track_id" text NOT NULL, "credential" jsonb NOT NULL, "credential_hash" text NOT NULL, "curriculum_version" text NOT NULL, "awarded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE, "status_list_id" integer NOT NULL, "status_index" integer NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, "superseded_at" TIMESTAMP WITH TIME ZONE, "superseded_by_id" uuid, "hidden" boolean NOT NULL DEFAULT false, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_e9e6937f74d9a653f0fc3299132" UNIQUE ("code"), CONSTRAINT "certificates_supersession_complete" CHECK ("superseded_by_id" IS NULL OR "superseded_at" IS NOT NULL), CONSTRAINT "certificates_revocation_has_reason" CHECK (("revoked_at" IS NULL) = ("revoked_reason" IS NULL)), CONSTRAINT "certificates_code_length" CHECK (char_length("code") >= 22), CONSTRAINT "PK_e4c7e31e2144300bea7d89eb165" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "certificates_status_slot" ON "certificates"  ("status_list_id", "status_index") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "certificates_one_current_per_track" ON "certificates"  ("user_id", "track_id") WHERE "superseded_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "certificate_verifications" ("certificate_id" uuid NOT NULL, "day" date NOT NULL, "channel" text NOT NULL, "count" integer NOT NULL DEFAULT \'0\', CONSTRAINT "certificate_verifications_channel_known" CHECK ("channel" IN (\'page\', \'json\', \'pdf\', \'paste\')), CONSTRAINT "PK_be088f67d183af44d9a9d8ead61" PRIMARY KEY ("certificate_id", "day", "channel"))',
    );
    await queryRunner.query(
      'ALTER TABLE "certificates" ADD CONSTRAINT "FK_88f90b1b9c635c14271e509cec0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "certificates" ADD CONSTRAINT "FK_c1b92e52a4b4f84b03b2f8c57af" FOREIGN KEY ("status_list_id") REFERENCES "status_lists"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "certificates" ADD CONSTRAINT "FK_de653a9af28b09469b05b8a4e77" FOREIGN KEY ("superseded_by_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "certificate_verifications" ADD CONSTRAINT "FK_8654e952e831494e9aed767a73f" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "certificate_verifications" DROP CONSTRAINT "FK_8654e952e831494e9aed767a73f"',
    );
    await queryRunner.query('ALTER TABLE "certificates" DROP CONSTRAINT "FK_de653a9af28b09469b05b8a4e77"');
    await queryRunner.query('ALTER TABLE "certificates" DROP CONSTRAINT "FK_c1b92e52a4b4f84b03b2f8c57af"');
    await queryRunner.query('ALTER TABLE "certificates" DROP CONSTRAINT "FK_88f90b1b9c635c14271e509cec0"');
    await queryRunner.query('DROP TABLE "certificate_verifications"');
    await queryRunner.query('DROP INDEX "public"."certificates_one_current_per_track"');
    await queryRunner.query('DROP INDEX "public"."certificates_status_slot"');
    await queryRunner.query('DROP TABLE "certificates"');
    await queryRunner.query('DROP TABLE "status_lists"');
    await queryRunner.query('DROP TABLE "issuer_keys"');
  }
}
