import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Circles (chapter, cohort, topic, academy-wide), their posts, replies, reactions, the code of
 * conduct acceptances, reports and edit history. Triggers give every chapter and cohort its circle.
 */
export class Circles1795888000000 implements MigrationInterface {
  name = 'Circles1795888000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "circles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT \'\', "chapter_id" uuid, "cohort_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "circles_kind_matches_owner" CHECK (("kind" = \'chapter\') = ("chapter_id" IS NOT NULL) AND ("kind" = \'cohort\') = ("cohort_id" IS NOT NULL)), CONSTRAINT "circles_name_length" CHECK (char_length("name") BETWEEN 1 AND 120), CONSTRAINT "circles_kind_known" CHECK ("kind" IN (\'chapter\', \'cohort\', \'topic\', \'academy\')), CONSTRAINT "PK_8348b53fdd4f7b6c0b3a6a2f61f" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "circles_one_per_cohort" ON "circles"  ("cohort_id") WHERE "cohort_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "circles_one_per_chapter" ON "circles"  ("chapter_id") WHERE "chapter_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_members" ("circle_id" uuid NOT NULL, "user_id" uuid NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0e399529acf1226dfdf94f3ce1a" PRIMARY KEY ("circle_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_posts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "circle_id" uuid NOT NULL, "author_id" uuid NOT NULL, "kind" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "answer_reply_id" uuid, "locked_at" TIMESTAMP WITH TIME ZONE, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "circle_posts_hidden_has_reason" CHECK (("hidden_at" IS NULL) = ("hidden_reason" IS NULL)), CONSTRAINT "circle_posts_answer_only_on_asks" CHECK ("answer_reply_id" IS NULL OR "kind" = \'ask\'), CONSTRAINT "circle_posts_body_length" CHECK (char_length("body") BETWEEN 1 AND 20000), CONSTRAINT "circle_posts_title_length" CHECK (char_length("title") BETWEEN 1 AND 200), CONSTRAINT "circle_posts_kind_known" CHECK ("kind" IN (\'story\', \'ask\', \'feedback\')), CONSTRAINT "PK_ff676fb3b6caf700808a576cf2d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_posts_page" ON "circle_posts"  ("circle_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_replies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "author_id" uuid NOT NULL, "body" text NOT NULL, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "circle_replies_hidden_has_reason" CHECK (("hidden_at" IS NULL) = ("hidden_reason" IS NULL)), CONSTRAINT "circle_replies_body_length" CHECK (char_length("body") BETWEEN 1 AND 20000), CONSTRAINT "PK_36434e78be6fb5f9ef3df01ff20" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_replies_thread" ON "circle_replies"  ("post_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_reply_helped" ("reply_id" uuid NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_bddee04aa602908e780617f915a" PRIMARY KEY ("reply_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_post_me_too" ("post_id" uuid NOT NULL, "user_id" uuid NOT NULL, CONSTRAINT "PK_be84b76444d70290e5d2f27fd23" PRIMARY KEY ("post_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "conduct_acceptances" ("user_id" uuid NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5cc7582b233b3907b05976c8b64" PRIMARY KEY ("user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "reply_id" uuid, "reply_key" text NOT NULL DEFAULT \'\', "reporter_id" uuid NOT NULL, "reason" text NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "circle_reports_reason_length" CHECK (char_length("reason") BETWEEN 1 AND 1000), CONSTRAINT "PK_d1be35f263adac8a393d390375e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_reports_open" ON "circle_reports"  ("created_at") WHERE "resolved_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "circle_reports_once" ON "circle_reports"  ("post_id", "reply_key", "reporter_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "circle_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "reply_key" text NOT NULL DEFAULT \'\', "title" text, "body" text NOT NULL, "edited_by" uuid NOT NULL, "edited_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9be20348fa04e43d3c48238f6fc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "circle_revisions_of" ON "circle_revisions"  ("post_id", "reply_key", "edited_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "circles" ADD CONSTRAINT "FK_3793a4a4a79c2f5acc83e983da2" FOREIGN KEY ("chapter_id") REFERENCES "chapters"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circles" ADD CONSTRAINT "FK_97f36946f3907feb7dc4f504487" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_members" ADD CONSTRAINT "FK_881567d0cb208fa8854bb0b8ac4" FOREIGN KEY ("circle_id") REFERENCES "circles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_members" ADD CONSTRAINT "FK_6b1fa14181113ca8a2dce0dba0c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_posts" ADD CONSTRAINT "FK_b4d75772b71c6d010d6ed53dfc7" FOREIGN KEY ("circle_id") REFERENCES "circles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_posts" ADD CONSTRAINT "FK_d1a456f714ab68e1107fc8bf491" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_replies" ADD CONSTRAINT "FK_96d7f802c0f14d54e195ab9a3ec" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_replies" ADD CONSTRAINT "FK_cb1e4a20ca1e08456a7dd06e3a3" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reply_helped" ADD CONSTRAINT "FK_795d4badb462c31af74d3d1c8cd" FOREIGN KEY ("reply_id") REFERENCES "circle_replies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reply_helped" ADD CONSTRAINT "FK_8a94ffb8c67ed2cb9c3bb8671a9" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_post_me_too" ADD CONSTRAINT "FK_981a086074294032b240defd6f0" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_post_me_too" ADD CONSTRAINT "FK_00620db4dc20ab325a5f81614fe" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "conduct_acceptances" ADD CONSTRAINT "FK_5cc7582b233b3907b05976c8b64" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reports" ADD CONSTRAINT "FK_3b4c6f59d3aeb0a197ad66dd48d" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reports" ADD CONSTRAINT "FK_b2572c4724dd49d6cc2f78c917a" FOREIGN KEY ("reply_id") REFERENCES "circle_replies"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reports" ADD CONSTRAINT "FK_c54565f65d67c296fdfea743bad" FOREIGN KEY ("reporter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_revisions" ADD CONSTRAINT "FK_3638e3618da45f9560ad8de7693" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_revisions" ADD CONSTRAINT "FK_a955c0d6336ea0b7e83795faeb5" FOREIGN KEY ("edited_by") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    // Every chapter and cohort has a circle: made with the chapter or cohort, renamed with it.
    await queryRunner.query(`CREATE FUNCTION academy_circle_for_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'chapters' THEN
          INSERT INTO circles (kind, name, chapter_id) VALUES ('chapter', left(NEW.name, 120), NEW.id)
            ON CONFLICT (chapter_id) WHERE chapter_id IS NOT NULL DO UPDATE SET name = EXCLUDED.name;
        ELSE
          INSERT INTO circles (kind, name, cohort_id) VALUES ('cohort', left(NEW.name, 120), NEW.id)
            ON CONFLICT (cohort_id) WHERE cohort_id IS NOT NULL DO UPDATE SET name = EXCLUDED.name;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      'CREATE TRIGGER "chapters_have_circles" AFTER INSERT OR UPDATE OF "name" ON "chapters" FOR EACH ROW EXECUTE FUNCTION academy_circle_for_owner()',
    );
    await queryRunner.query(
      'CREATE TRIGGER "cohorts_have_circles" AFTER INSERT OR UPDATE OF "name" ON "cohorts" FOR EACH ROW EXECUTE FUNCTION academy_circle_for_owner()',
    );
    await queryRunner.query(
      `INSERT INTO circles (kind, name, chapter_id) SELECT 'chapter', left(name, 120), id FROM chapters`,
    );
    await queryRunner.query(
      `INSERT INTO circles (kind, name, cohort_id) SELECT 'cohort', left(name, 120), id FROM cohorts`,
    );
    await queryRunner.query(
      `INSERT INTO circles (kind, name, description) VALUES ('academy', 'Everyone', 'Every organizer, coach and admin of the academy.')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "cohorts_have_circles" ON "cohorts"');
    await queryRunner.query('DROP TRIGGER "chapters_have_circles" ON "chapters"');
    await queryRunner.query('DROP FUNCTION academy_circle_for_owner()');
    await queryRunner.query(
      'ALTER TABLE "circle_revisions" DROP CONSTRAINT "FK_a955c0d6336ea0b7e83795faeb5"',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_revisions" DROP CONSTRAINT "FK_3638e3618da45f9560ad8de7693"',
    );
    await queryRunner.query('ALTER TABLE "circle_reports" DROP CONSTRAINT "FK_c54565f65d67c296fdfea743bad"');
    await queryRunner.query('ALTER TABLE "circle_reports" DROP CONSTRAINT "FK_b2572c4724dd49d6cc2f78c917a"');
    await queryRunner.query('ALTER TABLE "circle_reports" DROP CONSTRAINT "FK_3b4c6f59d3aeb0a197ad66dd48d"');
    await queryRunner.query(
      'ALTER TABLE "conduct_acceptances" DROP CONSTRAINT "FK_5cc7582b233b3907b05976c8b64"',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_post_me_too" DROP CONSTRAINT "FK_00620db4dc20ab325a5f81614fe"',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_post_me_too" DROP CONSTRAINT "FK_981a086074294032b240defd6f0"',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reply_helped" DROP CONSTRAINT "FK_8a94ffb8c67ed2cb9c3bb8671a9"',
    );
    await queryRunner.query(
      'ALTER TABLE "circle_reply_helped" DROP CONSTRAINT "FK_795d4badb462c31af74d3d1c8cd"',
    );
    await queryRunner.query('ALTER TABLE "circle_replies" DROP CONSTRAINT "FK_cb1e4a20ca1e08456a7dd06e3a3"');
    await queryRunner.query('ALTER TABLE "circle_replies" DROP CONSTRAINT "FK_96d7f802c0f14d54e195ab9a3ec"');
    await queryRunner.query('ALTER TABLE "circle_posts" DROP CONSTRAINT "FK_d1a456f714ab68e1107fc8bf491"');
    await queryRunner.query('ALTER TABLE "circle_posts" DROP CONSTRAINT "FK_b4d75772b71c6d010d6ed53dfc7"');
    await queryRunner.query('ALTER TABLE "circle_members" DROP CONSTRAINT "FK_6b1fa14181113ca8a2dce0dba0c"');
    await queryRunner.query('ALTER TABLE "circle_members" DROP CONSTRAINT "FK_881567d0cb208fa8854bb0b8ac4"');
    await queryRunner.query('ALTER TABLE "circles" DROP CONSTRAINT "FK_97f36946f3907feb7dc4f504487"');
    await queryRunner.query('ALTER TABLE "circles" DROP CONSTRAINT "FK_3793a4a4a79c2f5acc83e983da2"');
    await queryRunner.query('DROP INDEX "public"."circle_revisions_of"');
    await queryRunner.query('DROP TABLE "circle_revisions"');
    await queryRunner.query('DROP INDEX "public"."circle_reports_once"');
    await queryRunner.query('DROP INDEX "public"."circle_reports_open"');
    await queryRunner.query('DROP TABLE "circle_reports"');
    await queryRunner.query('DROP TABLE "conduct_acceptances"');
    await queryRunner.query('DROP TABLE "circle_post_me_too"');
    await queryRunner.query('DROP TABLE "circle_reply_helped"');
    await queryRunner.query('DROP INDEX "public"."circle_replies_thread"');
    await queryRunner.query('DROP TABLE "circle_replies"');
    await queryRunner.query('DROP INDEX "public"."circle_posts_page"');
    await queryRunner.query('DROP TABLE "circle_posts"');
    await queryRunner.query('DROP TABLE "circle_members"');
    await queryRunner.query('DROP INDEX "public"."circles_one_per_chapter"');
    await queryRunner.query('DROP INDEX "public"."circles_one_per_cohort"');
    await queryRunner.query('DROP TABLE "circles"');
  }
}
