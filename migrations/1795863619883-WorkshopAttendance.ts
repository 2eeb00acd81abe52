import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkshopAttendance1795863619883 implements MigrationInterface {
  name = 'WorkshopAttendance1795863619883';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "workshop_attendance" ("workshop_id" uuid NOT NULL, "user_id" uuid NOT NULL, "status" text NOT NULL, "walk_in" boolean NOT NULL DEFAULT false, "marked_by_id" uuid NOT NULL, "marked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "workshop_attendance_status_known" CHECK ("status" IN (\'present\', \'absent\', \'excused\')), CONSTRAINT "PK_ca365e9f809ad196c3521def305" PRIMARY KEY ("workshop_id", "user_id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" ADD CONSTRAINT "FK_2873bd44ac869f0ec31ec39eb25" FOREIGN KEY ("workshop_id") REFERENCES "workshops"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" ADD CONSTRAINT "FK_c02af50ceaba98c78fcc4455f14" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" ADD CONSTRAINT "FK_0bdcb19511f333e50b0f909bbdb" FOREIGN KEY ("marked_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" DROP CONSTRAINT "FK_0bdcb19511f333e50b0f909bbdb"',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" DROP CONSTRAINT "FK_c02af50ceaba98c78fcc4455f14"',
    );
    await queryRunner.query(
      'ALTER TABLE "workshop_attendance" DROP CONSTRAINT "FK_2873bd44ac869f0ec31ec39eb25"',
    );
    await queryRunner.query('DROP TABLE "workshop_attendance"');
  }
}
