import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification centre: what each person was told (read or not, waiting for a digest or not),
 * how each person wants each kind, and extra headers on outbox mail (List-Unsubscribe on digests).
 * A change to someone's notifications notices `notifications:<user id>`, so the header's unread
 * count can be kept per process.
 */
export class Notifications1795886000000 implements MigrationInterface {
  name = 'Notifications1795886000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "link" text NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, "digest" text NOT NULL DEFAULT 'none', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notifications_title_length" CHECK (char_length("title") BETWEEN 1 AND 300), CONSTRAINT "notifications_digest_known" CHECK ("digest" IN ('none', 'pending', 'sent')), CONSTRAINT "notifications_kind_known" CHECK ("kind" IN ('coaching', 'evidence', 'feedback', 'workshops', 'certificates')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "notifications_digest_pending" ON "notifications"  ("user_id", "created_at") WHERE "digest" = 'pending'`,
    );
    await queryRunner.query(
      'CREATE INDEX "notifications_unread" ON "notifications"  ("user_id") WHERE "read_at" IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "notifications_by_person" ON "notifications"  ("user_id", "created_at") ',
    );
    await queryRunner.query(
      `CREATE TABLE "notification_preferences" ("user_id" uuid NOT NULL, "kind" text NOT NULL, "delivery" text NOT NULL, CONSTRAINT "notification_preferences_delivery_known" CHECK ("delivery" IN ('app', 'email', 'digest')), CONSTRAINT "notification_preferences_kind_known" CHECK ("kind" IN ('coaching', 'evidence', 'feedback', 'workshops', 'certificates')), CONSTRAINT "PK_4beeeb46feaf58d75e124c8ba58" PRIMARY KEY ("user_id", "kind"))`,
    );
    await queryRunner.query(`ALTER TABLE "outbox" ADD "headers" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      'ALTER TABLE "notifications" ADD CONSTRAINT "FK_9a8a82462cab47c73d25f49261f" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "notification_preferences" ADD CONSTRAINT "FK_64c90edc7310c6be7c10c96f675" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      `CREATE TRIGGER "notifications_notify_person" AFTER INSERT OR UPDATE OR DELETE ON "notifications"
         FOR EACH ROW EXECUTE FUNCTION academy_notify_row_change('notifications', 'user_id')`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "notifications_notify_truncated" AFTER TRUNCATE ON "notifications"
         FOR EACH STATEMENT EXECUTE FUNCTION academy_notify_change('notifications')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "notifications_notify_truncated" ON "notifications"');
    await queryRunner.query('DROP TRIGGER "notifications_notify_person" ON "notifications"');
    await queryRunner.query(
      'ALTER TABLE "notification_preferences" DROP CONSTRAINT "FK_64c90edc7310c6be7c10c96f675"',
    );
    await queryRunner.query('ALTER TABLE "notifications" DROP CONSTRAINT "FK_9a8a82462cab47c73d25f49261f"');
    await queryRunner.query('ALTER TABLE "outbox" DROP COLUMN "headers"');
    await queryRunner.query('DROP TABLE "notification_preferences"');
    await queryRunner.query('DROP INDEX "public"."notifications_by_person"');
    await queryRunner.query('DROP INDEX "public"."notifications_unread"');
    await queryRunner.query('DROP INDEX "public"."notifications_digest_pending"');
    await queryRunner.query('DROP TABLE "notifications"');
  }
}
