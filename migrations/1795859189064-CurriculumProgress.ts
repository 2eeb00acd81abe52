import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CurriculumProgress1795859189064 implements MigrationInterface {
  name = 'CurriculumProgress1795859189064';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "module_reads" ("user_id" uuid NOT NULL, "module_id" text NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_19c7da5fa4f06454521a235a264" PRIMARY KEY ("user_id", "module_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "milestone_completions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "milestone_id" text NOT NULL, "module_id" text NOT NULL, "track_id" text NOT NULL, "source" text NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "milestone_completions_source_known" CHECK ("source" IN (\'coach\', \'workshop\', \'admin\')), CONSTRAINT "PK_68bc8ff88afc9395c709b7fcdf7" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "milestone_completions_once" ON "milestone_completions"  ("user_id", "milestone_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "curriculum_search" ("module_id" text NOT NULL, "track_id" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "document" tsvector NOT NULL, CONSTRAINT "PK_478b8401bbb5f4db4862b5e2697" PRIMARY KEY ("module_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "curriculum_search_document" ON "curriculum_search" USING gin ("document")',
    );
    await queryRunner.query(
      'CREATE TABLE "curriculum_index_state" ("id" integer NOT NULL, "version" text NOT NULL, "built_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "curriculum_index_state_single_row" CHECK ("id" = 1), CONSTRAINT "PK_7f9d97ce0e5eec11bae86b8ebae" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "module_reads" ADD CONSTRAINT "FK_7e22763d9227d5fa88e75ea4d12" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "milestone_completions" ADD CONSTRAINT "FK_8fe09dd5693b7d0a8e44b4437aa" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "milestone_completions" DROP CONSTRAINT "FK_8fe09dd5693b7d0a8e44b4437aa"',
    );
    await queryRunner.query('ALTER TABLE "module_reads" DROP CONSTRAINT "FK_7e22763d9227d5fa88e75ea4d12"');
    await queryRunner.query('DROP TABLE "curriculum_index_state"');
    await queryRunner.query('DROP INDEX "public"."curriculum_search_document"');
    await queryRunner.query('DROP TABLE "curriculum_search"');
    await queryRunner.query('DROP INDEX "public"."milestone_completions_once"');
    await queryRunner.query('DROP TABLE "milestone_completions"');
    await queryRunner.query('DROP TABLE "module_reads"');
  }
}
