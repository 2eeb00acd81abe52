import type { MigrationInterface, QueryRunner } from 'typeorm';

const WIDE = [
  'coaching',
  'evidence',
  'feedback',
  'workshops',
  'certificates',
  'circles',
  'circle_asks',
  'circle_digest',
  'gatherings',
  'stories',
  'requests',
  'introductions',
  'projects',
];
const FIRST = ['coaching', 'evidence', 'feedback', 'workshops', 'certificates'];
const list = (kinds: string[]): string => kinds.map((kind) => `'${kind}'`).join(', ');

/**
 * Chapters carry a place (country and state or other subdivision) so a public directory can list
 * them by state and the join form can route a newcomer to the nearest one; notifications gain the
 * kinds of the fellowship and open-doors features (circles, gatherings, stories, requests,
 * introductions, projects). Migration files keep literal lists so later edits to kinds.ts never
 * rewrite history.
 */
export class ChapterPlacesAndNoticeKinds1795889000000 implements MigrationInterface {
  name = 'ChapterPlacesAndNoticeKinds1795889000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "chapters" ADD "country_code" text NOT NULL DEFAULT 'US'`);
    await queryRunner.query(`ALTER TABLE "chapters" ADD "state_code" text`);
    await queryRunner.query(
      `ALTER TABLE "chapters" ADD CONSTRAINT "chapters_country_code_format" CHECK ("country_code" ~ '^[A-Z]{2}$')`,
    );
    await queryRunner.query(
      `ALTER TABLE "chapters" ADD CONSTRAINT "chapters_state_code_format" CHECK ("state_code" ~ '^[A-Z0-9]{1,3}$')`,
    );
    await this.kinds(queryRunner, WIDE);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "notifications" WHERE "kind" NOT IN (${list(FIRST)})`);
    await queryRunner.query(`DELETE FROM "notification_preferences" WHERE "kind" NOT IN (${list(FIRST)})`);
    await this.kinds(queryRunner, FIRST);
    await queryRunner.query(`ALTER TABLE "chapters" DROP CONSTRAINT "chapters_state_code_format"`);
    await queryRunner.query(`ALTER TABLE "chapters" DROP CONSTRAINT "chapters_country_code_format"`);
    await queryRunner.query(`ALTER TABLE "chapters" DROP COLUMN "state_code"`);
    await queryRunner.query(`ALTER TABLE "chapters" DROP COLUMN "country_code"`);
  }

  private async kinds(queryRunner: QueryRunner, kinds: string[]): Promise<void> {
    for (const table of ['notifications', 'notification_preferences']) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${table}_kind_known"`);
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${table}_kind_known" CHECK ("kind" IN (${list(kinds)}))`,
      );
    }
  }
}
