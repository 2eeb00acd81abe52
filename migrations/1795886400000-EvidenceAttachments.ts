import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Files attached to evidence, kept in the database (bytea) so every app process can serve them. */
export class EvidenceAttachments1795886400000 implements MigrationInterface {
  name = 'EvidenceAttachments1795886400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "evidence_attachments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "submission_id" uuid NOT NULL, "organizer_id" uuid NOT NULL, "filename" text NOT NULL, "media_type" text NOT NULL, "size" integer NOT NULL, "content" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "evidence_attachments_filename_length" CHECK (char_length("filename") BETWEEN 1 AND 200), CONSTRAINT "evidence_attachments_size_positive" CHECK ("size" > 0), CONSTRAINT "PK_cd13deeebab1c76ee0dd01d57d1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "evidence_attachments_by_organizer" ON "evidence_attachments"  ("organizer_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "evidence_attachments_by_submission" ON "evidence_attachments"  ("submission_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "evidence_attachments" ADD CONSTRAINT "FK_3ca4656e4e37220831fa123455f" FOREIGN KEY ("submission_id") REFERENCES "evidence_submissions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "evidence_attachments" ADD CONSTRAINT "FK_56e2c9446d890155667b24e67f5" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "evidence_attachments" DROP CONSTRAINT "FK_56e2c9446d890155667b24e67f5"',
    );
    await queryRunner.query(
      'ALTER TABLE "evidence_attachments" DROP CONSTRAINT "FK_3ca4656e4e37220831fa123455f"',
    );
    await queryRunner.query('DROP INDEX "public"."evidence_attachments_by_submission"');
    await queryRunner.query('DROP INDEX "public"."evidence_attachments_by_organizer"');
    await queryRunner.query('DROP TABLE "evidence_attachments"');
  }
}
