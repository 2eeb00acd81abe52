import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hiding a certificate now hides every version of it. Superseded versions of certificates whose
 * current version is hidden become hidden too, so none of them stays public.
 */
export class HideEveryCertificateVersion1795882100000 implements MigrationInterface {
  name = 'HideEveryCertificateVersion1795882100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      UPDATE "certificates" c SET "hidden" = true
       WHERE NOT c."hidden" AND c."superseded_at" IS NOT NULL
         AND EXISTS (SELECT 1 FROM "certificates" h
                      WHERE h."user_id" = c."user_id" AND h."track_id" = c."track_id"
                        AND h."superseded_at" IS NULL AND h."hidden")`);
  }

  public async down(): Promise<void> {
    // Which superseded versions were public before cannot be told apart; they stay hidden.
  }
}
