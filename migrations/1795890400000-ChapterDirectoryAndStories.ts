import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables behind the public directory pages, and the changes to them that can alter a page. */
const DIRECTORY_SOURCES: [string, string][] = [
  ['chapter_pages', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['story_publications', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['chapters', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['workshops', 'INSERT OR UPDATE OR DELETE OR TRUNCATE'],
  ['circle_posts', 'UPDATE OF "hidden_at" OR DELETE OR TRUNCATE'],
  ['users', 'UPDATE OF "display_name", "active" OR DELETE OR TRUNCATE'],
];

/**
 * Public chapter pages (chapter_pages), story publication (story_publications: the request, the
 * decision and the approved public text, kept apart from circle_posts), and a "public" flag on
 * workshops (off unless chosen). Changes behind the public directory notify the `directory` topic,
 * so every process's cached public pages are dropped at once (unpublishing is effective at once).
 */
export class ChapterDirectoryAndStories1795890400000 implements MigrationInterface {
  name = 'ChapterDirectoryAndStories1795890400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "chapter_pages" ("chapter_id" uuid NOT NULL, "slug" text NOT NULL, "about" text NOT NULL DEFAULT \'\', "meeting_when" text NOT NULL DEFAULT \'\', "meeting_where" text NOT NULL DEFAULT \'\', "contact" text NOT NULL DEFAULT \'\', "links" text NOT NULL DEFAULT \'\', "listed" boolean NOT NULL DEFAULT true, "updated_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_8694c3a4fa30acbcfb9c9ec65c5" UNIQUE ("slug"), CONSTRAINT "chapter_pages_links_length" CHECK (char_length("links") <= 2000), CONSTRAINT "chapter_pages_short_lengths" CHECK (char_length("meeting_when") <= 300 AND char_length("meeting_where") <= 300 AND char_length("contact") <= 300), CONSTRAINT "chapter_pages_about_length" CHECK (char_length("about") <= 10000), CONSTRAINT "chapter_pages_slug_format" CHECK ("slug" ~ \'^[a-z0-9]+(-[a-z0-9]+)*$\' AND char_length("slug") BETWEEN 2 AND 60), CONSTRAINT "PK_c37c10223db1db461abe82707d5" PRIMARY KEY ("chapter_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "story_publications" ("post_id" uuid NOT NULL, "chapter_id" uuid NOT NULL, "request_state" text NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "requested_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" uuid, "decline_reason" text, "published_at" TIMESTAMP WITH TIME ZONE, "public_title" text, "public_body" text, "public_updated_at" TIMESTAMP WITH TIME ZONE, "unpublished_at" TIMESTAMP WITH TIME ZONE, "unpublished_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "story_publications_declined_has_reason" CHECK ("request_state" <> \'declined\' OR "decline_reason" IS NOT NULL), CONSTRAINT "story_publications_public_text_whole" CHECK (("published_at" IS NULL) = ("public_title" IS NULL) AND ("published_at" IS NULL) = ("public_body" IS NULL)), CONSTRAINT "story_publications_state_known" CHECK ("request_state" IN (\'pending\', \'approved\', \'declined\', \'withdrawn\')), CONSTRAINT "PK_8496e94cacfdd3588c64d6ba4c9" PRIMARY KEY ("post_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "story_publications_pending" ON "story_publications"  ("chapter_id", "requested_at") WHERE "request_state" = \'pending\'',
    );
    await queryRunner.query(
      'CREATE INDEX "story_publications_public" ON "story_publications"  ("chapter_id", "published_at") WHERE "published_at" IS NOT NULL',
    );
    await queryRunner.query('ALTER TABLE "workshops" ADD "public" boolean NOT NULL DEFAULT false');
    await queryRunner.query(
      'ALTER TABLE "chapter_pages" ADD CONSTRAINT "FK_c37c10223db1db461abe82707d5" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "chapter_pages" ADD CONSTRAINT "FK_bdc53a68c074bcf5c63fa395c8b" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" ADD CONSTRAINT "FK_8496e94cacfdd3588c64d6ba4c9" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" ADD CONSTRAINT "FK_64eb13a470a5076913d7cabbd2c" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" ADD CONSTRAINT "FK_439a933abf17678ae03c331cd14" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" ADD CONSTRAINT "FK_6817d7e2a584b6b24eb066a6069" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" ADD CONSTRAINT "FK_4952ced4a4ff9edbe17786086fb" FOREIGN KEY ("unpublished_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    for (const [table, events] of DIRECTORY_SOURCES)
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_directory" AFTER ${events} ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('directory')`,
      );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table] of [...DIRECTORY_SOURCES].reverse())
      await queryRunner.query(`DROP TRIGGER "${table}_notify_directory" ON "${table}"`);
    await queryRunner.query(
      'ALTER TABLE "story_publications" DROP CONSTRAINT "FK_4952ced4a4ff9edbe17786086fb"',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" DROP CONSTRAINT "FK_6817d7e2a584b6b24eb066a6069"',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" DROP CONSTRAINT "FK_439a933abf17678ae03c331cd14"',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" DROP CONSTRAINT "FK_64eb13a470a5076913d7cabbd2c"',
    );
    await queryRunner.query(
      'ALTER TABLE "story_publications" DROP CONSTRAINT "FK_8496e94cacfdd3588c64d6ba4c9"',
    );
    await queryRunner.query('ALTER TABLE "chapter_pages" DROP CONSTRAINT "FK_bdc53a68c074bcf5c63fa395c8b"');
    await queryRunner.query('ALTER TABLE "chapter_pages" DROP CONSTRAINT "FK_c37c10223db1db461abe82707d5"');
    await queryRunner.query('ALTER TABLE "workshops" DROP COLUMN "public"');
    await queryRunner.query('DROP INDEX "public"."story_publications_public"');
    await queryRunner.query('DROP INDEX "public"."story_publications_pending"');
    await queryRunner.query('DROP TABLE "story_publications"');
    await queryRunner.query('DROP TABLE "chapter_pages"');
  }
}
