import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin list of certificates pages by (issued_at, id), newest first. */
export class CertificateListIndex1795886300000 implements MigrationInterface {
  name = 'CertificateListIndex1795886300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "certificates_by_issue" ON "certificates"  ("issued_at", "id") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."certificates_by_issue"');
  }
}
