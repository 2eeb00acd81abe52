import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status-list slots are handed out at random instead of in order (herd privacy: an index no longer
 * tells when a certificate was issued or which certificates came together), so the list counts the
 * slots it has given out (`taken`) instead of pointing at the next one. Slots already given out stay.
 */
export class RandomStatusSlots1795870400000 implements MigrationInterface {
  name = 'RandomStatusSlots1795870400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "status_lists" DROP CONSTRAINT "status_lists_next_slot"');
    await queryRunner.query('ALTER TABLE "status_lists" RENAME COLUMN "next_index" TO "taken"');
    await queryRunner.query(
      'ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_taken" CHECK ("taken" BETWEEN 0 AND "size")',
    );
    await queryRunner.query(
      'ALTER TABLE "certificates" ADD CONSTRAINT "certificates_status_index" CHECK ("status_index" >= 0)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "certificates" DROP CONSTRAINT "certificates_status_index"');
    await queryRunner.query('ALTER TABLE "status_lists" DROP CONSTRAINT "status_lists_taken"');
    // Sequential hand-out resumes past the highest slot in use.
    await queryRunner.query(`UPDATE "status_lists" l SET "taken" = coalesce(
      (SELECT max(c."status_index") + 1 FROM "certificates" c WHERE c."status_list_id" = l."id"), 0)`);
    await queryRunner.query('ALTER TABLE "status_lists" RENAME COLUMN "taken" TO "next_index"');
    await queryRunner.query(
      'ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_next_slot" CHECK ("next_index" BETWEEN 0 AND "size")',
    );
  }
}
