import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables owned by libraries rather than entities: express sessions (connect-pg-simple) and the
 * login throttle counters (rate-limiter-flexible). Both libraries are told not to create them.
 */
export class SessionsAndLoginThrottle1795856400000 implements MigrationInterface {
  name = 'SessionsAndLoginThrottle1795856400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sessions" ("sid" varchar NOT NULL PRIMARY KEY, "sess" jsonb NOT NULL, "expire" timestamp(6) NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "sessions_expire" ON "sessions" ("expire")`);
    // Lets us end every session of one person (deactivation, password reset) with one indexed delete.
    await queryRunner.query(`CREATE INDEX "sessions_user" ON "sessions" (("sess" #>> '{passport,user}'))`);
    await queryRunner.query(
      `CREATE TABLE "login_throttle" ("key" varchar(255) NOT NULL PRIMARY KEY, "points" integer NOT NULL DEFAULT 0, "expire" bigint)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_throttle"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
  }
}
