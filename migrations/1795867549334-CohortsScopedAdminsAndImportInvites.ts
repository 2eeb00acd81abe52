import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CohortsScopedAdminsAndImportInvites1795867549334 implements MigrationInterface {
  name = 'CohortsScopedAdminsAndImportInvites1795867549334';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "cohorts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "chapter_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_d1865366170f468d8eb720f8c8f" UNIQUE ("name"), CONSTRAINT "cohorts_name_length" CHECK (char_length("name") BETWEEN 1 AND 120), CONSTRAINT "PK_fd38f76b135e907b834fda1e752" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('ALTER TABLE "users" ADD "cohort_id" uuid');
    await queryRunner.query('ALTER TABLE "users" ADD "scope_chapter_id" uuid');
    await queryRunner.query('ALTER TABLE "invites" ADD "display_name" text');
    await queryRunner.query('ALTER TABLE "invites" ADD "cohort_id" uuid');
    await queryRunner.query('ALTER TABLE "invites" ADD "coach_id" uuid');
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "users_scope_only_for_admins" CHECK ("scope_chapter_id" IS NULL OR "role" = \'admin\')',
    );
    await queryRunner.query(
      'ALTER TABLE "cohorts" ADD CONSTRAINT "FK_d86b6158045c7b8947b9831b3f3" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_9bcbed864e8c84c8f0263cb615a" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_63b638c376e4c54dcf78d07a707" FOREIGN KEY ("scope_chapter_id") REFERENCES "chapters"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_164382ef74e9dcdb5eaf548696f" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_3aac7f9553a2fcbe97d5ac26fce" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_3aac7f9553a2fcbe97d5ac26fce"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_164382ef74e9dcdb5eaf548696f"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_63b638c376e4c54dcf78d07a707"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_9bcbed864e8c84c8f0263cb615a"');
    await queryRunner.query('ALTER TABLE "cohorts" DROP CONSTRAINT "FK_d86b6158045c7b8947b9831b3f3"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "users_scope_only_for_admins"');
    await queryRunner.query('ALTER TABLE "invites" DROP COLUMN "coach_id"');
    await queryRunner.query('ALTER TABLE "invites" DROP COLUMN "cohort_id"');
    await queryRunner.query('ALTER TABLE "invites" DROP COLUMN "display_name"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "scope_chapter_id"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "cohort_id"');
    await queryRunner.query('DROP TABLE "cohorts"');
  }
}
