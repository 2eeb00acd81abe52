import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose changes can add an ask to, or take one off, a coach's "Asks waiting for help". */
const ASK_TABLES = ['circle_posts', 'circle_replies'];

const OPEN_ASK = `WHERE "kind" = 'ask' AND "answer_reply_id" IS NULL AND "hidden_at" IS NULL`;

/**
 * No ask left alone, weekly circle digests and the fellowship report: a claim table for escalated
 * asks (its primary key makes "notify once" hold across processes), the last digest per person,
 * timestamps on "Me too" and "This helped" (people who reacted in a period), and indexes for the
 * sweep, the coach dashboard and the report (open asks by time, circle and author; posts, replies and
 * reactions by time); change notices (topic `circle_asks`, after the ChangeFeed migration's function)
 * so the coach dashboard can keep its list of waiting asks in memory.
 */
export class CircleCare1795890200000 implements MigrationInterface {
  name = 'CircleCare1795890200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "circle_ask_escalations" ("post_id" uuid NOT NULL, "escalated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0be3cb16b25e9c08b123fd04ff9" PRIMARY KEY ("post_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "circle_digest_state" ("user_id" uuid NOT NULL, "last_digest_at" TIMESTAMP WITH TIME ZONE NOT NULL, "previous_digest_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_77dae8dfe27defbf721969a683e" PRIMARY KEY ("user_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "circle_reply_helped" ADD "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(
      `ALTER TABLE "circle_post_me_too" ADD "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(
      `CREATE INDEX "circle_posts_open_asks_by_author" ON "circle_posts"  ("author_id", "created_at") ${OPEN_ASK}`,
    );
    await queryRunner.query(
      `CREATE INDEX "circle_posts_open_asks_by_circle" ON "circle_posts"  ("circle_id", "created_at") ${OPEN_ASK}`,
    );
    await queryRunner.query(
      `CREATE INDEX "circle_posts_open_asks" ON "circle_posts"  ("created_at") ${OPEN_ASK}`,
    );
    await queryRunner.query(`CREATE INDEX "circle_posts_by_time" ON "circle_posts"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "circle_replies_by_time" ON "circle_replies"  ("created_at") `);
    await queryRunner.query(
      `CREATE INDEX "circle_reply_helped_by_time" ON "circle_reply_helped"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "circle_post_me_too_by_time" ON "circle_post_me_too"  ("created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "circle_ask_escalations" ADD CONSTRAINT "FK_0be3cb16b25e9c08b123fd04ff9" FOREIGN KEY ("post_id") REFERENCES "circle_posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "circle_digest_state" ADD CONSTRAINT "FK_77dae8dfe27defbf721969a683e" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    for (const table of ASK_TABLES)
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_circle_asks" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('circle_asks')`,
      );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ASK_TABLES)
      await queryRunner.query(`DROP TRIGGER "${table}_notify_circle_asks" ON "${table}"`);
    await queryRunner.query(
      `ALTER TABLE "circle_digest_state" DROP CONSTRAINT "FK_77dae8dfe27defbf721969a683e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "circle_ask_escalations" DROP CONSTRAINT "FK_0be3cb16b25e9c08b123fd04ff9"`,
    );
    for (const index of [
      'circle_post_me_too_by_time',
      'circle_reply_helped_by_time',
      'circle_replies_by_time',
      'circle_posts_by_time',
      'circle_posts_open_asks',
      'circle_posts_open_asks_by_circle',
      'circle_posts_open_asks_by_author',
    ])
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
    await queryRunner.query(`ALTER TABLE "circle_post_me_too" DROP COLUMN "created_at"`);
    await queryRunner.query(`ALTER TABLE "circle_reply_helped" DROP COLUMN "created_at"`);
    await queryRunner.query(`DROP TABLE "circle_digest_state"`);
    await queryRunner.query(`DROP TABLE "circle_ask_escalations"`);
  }
}
