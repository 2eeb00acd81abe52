import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requested email changes, each confirmed by a single-use link sent to the new address. */
export class EmailChanges1795886200000 implements MigrationInterface {
  name = 'EmailChanges1795886200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "email_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "new_email" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_783a2e0c1a8fafd72ed0684b5da" UNIQUE ("token_hash"), CONSTRAINT "email_changes_new_email_lowercase" CHECK ("new_email" = lower("new_email")), CONSTRAINT "PK_6626b2af49c359b24442c10bbb1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      'ALTER TABLE "email_changes" ADD CONSTRAINT "FK_38edd6558e3b8386e9297c2636e" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "email_changes" DROP CONSTRAINT "FK_38edd6558e3b8386e9297c2636e"');
    await queryRunner.query('DROP TABLE "email_changes"');
  }
}
