import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When "Your progress" congratulated a holder on a certificate. Certificates issued before this
 * count as celebrated already, so nobody is congratulated twice on the same badge.
 */
export class CertificateCelebration1795886100000 implements MigrationInterface {
  name = 'CertificateCelebration1795886100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "certificates" ADD "celebrated_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('UPDATE "certificates" SET "celebrated_at" = "issued_at"');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "certificates" DROP COLUMN "celebrated_at"');
  }
}
