import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The curriculum version whose milestone homes (track and module) completions were last filed
 * under: start-up re-files completions only when the curriculum changed, instead of comparing
 * every completion at every start (millions of rows at scale, past the query timeout).
 */
export class CompletionHomesState1795891400000 implements MigrationInterface {
  name = 'CompletionHomesState1795891400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "completion_homes_state" ("id" integer NOT NULL, "version" text NOT NULL, "filed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "completion_homes_state_single_row" CHECK ("id" = 1),
         CONSTRAINT "PK_completion_homes_state" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "completion_homes_state"');
  }
}
