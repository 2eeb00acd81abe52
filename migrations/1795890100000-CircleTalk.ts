import type { MigrationInterface, QueryRunner } from 'typeorm';

// Literal copy of POST_SEARCH_EXPRESSION at the time of writing: migrations never follow later edits.
const SEARCH = `setweight(to_tsvector('english', "title"), 'A') || setweight(to_tsvector('english', "body"), 'B')`;

/**
 * Circle posts link a curriculum module or milestone and carry a full-text document (a generated
 * tsvector with a GIN index); @mentions are kept per post or reply; indexes for module, author and
 * reply-author lookups (peers on a module, circle profiles). TypeORM learns the generated column's
 * expression from typeorm_metadata, as its own generated migrations do.
 */
export class CircleTalk1795890100000 implements MigrationInterface {
  name = 'CircleTalk1795890100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "circle_posts" ADD "module_id" text');
    await queryRunner.query('ALTER TABLE "circle_posts" ADD "milestone_id" text');
    await queryRunner.query(
      `ALTER TABLE "circle_posts" ADD "search" tsvector GENERATED ALWAYS AS (${SEARCH}) STORED NOT NULL`,
    );
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'circle_posts', 'GENERATED_COLUMN', 'search', $1)`,
      [SEARCH],
    );
    await queryRunner.query('CREATE INDEX "circle_posts_search" ON "circle_posts" USING GIN ("search")');
    await queryRunner.query(
      'ALTER TABLE "circle_posts" ADD CONSTRAINT "circle_posts_milestone_has_module" CHECK ("milestone_id" IS NULL OR "module_id" IS NOT NULL)',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_posts_by_module" ON "circle_posts" ("module_id", "created_at", "id") WHERE "module_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_posts_by_author" ON "circle_posts" ("author_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_replies_by_author" ON "circle_replies" ("author_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_mentions" ("post_id" uuid NOT NULL, "reply_key" text NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_circle_mentions" PRIMARY KEY ("post_id", "reply_key", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_mentions_of_user" ON "circle_mentions" ("user_id", "created_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_mentions" ADD CONSTRAINT "FK_a1c7345b66469af17b285edd171" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_mentions" ADD CONSTRAINT "FK_561fb0d7f02ec983511dc3299a7" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "circle_mentions"');
    await queryRunner.query('DROP INDEX "circle_replies_by_author"');
    await queryRunner.query('DROP INDEX "circle_posts_by_author"');
    await queryRunner.query('DROP INDEX "circle_posts_by_module"');
    await queryRunner.query('ALTER TABLE "circle_posts" DROP CONSTRAINT "circle_posts_milestone_has_module"');
    await queryRunner.query('DROP INDEX "circle_posts_search"');
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'circle_posts' AND "name" = 'search'`,
    );
    await queryRunner.query('ALTER TABLE "circle_posts" DROP COLUMN "search"');
    await queryRunner.query('ALTER TABLE "circle_posts" DROP COLUMN "milestone_id"');
    await queryRunner.query('ALTER TABLE "circle_posts" DROP COLUMN "module_id"');
  }
}
