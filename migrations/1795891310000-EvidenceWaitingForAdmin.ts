import type { MigrationInterface, QueryRunner } from 'typeorm';

/** More organizers than this in one statement (bulk imports, seeds) lock the table whole instead. */
const PER_ORGANIZER_LOCKS_UP_TO = 1000;

const TRANSITIONS = {
  INSERT: 'NEW TABLE AS new_rows',
  UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  DELETE: 'OLD TABLE AS old_rows',
} as const;

/** Which organizers to recount after a statement on each table, by trigger operation. */
const ORGANIZERS = {
  evidence_submissions: {
    INSERT: `SELECT organizer_id FROM new_rows WHERE status = 'pending'`,
    DELETE: `SELECT organizer_id FROM old_rows WHERE status = 'pending'`,
    UPDATE: `SELECT x.id FROM old_rows o JOIN new_rows n USING (id), LATERAL (VALUES (o.organizer_id), (n.organizer_id)) AS x(id)
              WHERE 'pending' IN (o.status, n.status)
                AND (o.status, o.organizer_id, o.submitted_at) IS DISTINCT FROM (n.status, n.organizer_id, n.submitted_at)`,
  },
  coach_assignments: {
    INSERT: 'SELECT organizer_id FROM new_rows',
    DELETE: 'SELECT organizer_id FROM old_rows',
    UPDATE: `SELECT x.id FROM old_rows o JOIN new_rows n USING (id), LATERAL (VALUES (o.organizer_id), (n.organizer_id)) AS x(id)
              WHERE (o.organizer_id, o.coach_id, o.ended_at) IS DISTINCT FROM (n.organizer_id, n.coach_id, n.ended_at)`,
  },
  // A person's chapter moves their waiting evidence; a coach (de)activated moves their organizers'.
  users: {
    UPDATE: `SELECT n.id FROM new_rows n JOIN old_rows o USING (id) WHERE n.chapter_id IS DISTINCT FROM o.chapter_id
             UNION
             SELECT a.organizer_id FROM new_rows n JOIN old_rows o USING (id)
               JOIN coach_assignments a ON a.coach_id = n.id AND a.ended_at IS NULL
              WHERE n.active IS DISTINCT FROM o.active`,
  },
} as const;

/**
 * Evidence waiting for an admin (pending, from someone without an active coach), kept by the
 * database in the same transaction as the change, so the admin queue reads its oldest rows by
 * index instead of walking every pending submission. Recounted (never adjusted) per organizer
 * after evidence, assignments, a coach's active flag or a person's chapter change, under a lock
 * per organizer taken in id order (a bulk statement locks the table), like the coach loads.
 * Triggers are named to fire after the other triggers on each table.
 */
export class EvidenceWaitingForAdmin1795891310000 implements MigrationInterface {
  name = 'EvidenceWaitingForAdmin1795891310000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "evidence_waiting_for_admin" ("submission_id" uuid NOT NULL, "organizer_id" uuid NOT NULL,
         "chapter_id" uuid, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
         CONSTRAINT "PK_evidence_waiting_for_admin" PRIMARY KEY ("submission_id"),
         CONSTRAINT "evidence_waiting_for_admin_submission" FOREIGN KEY ("submission_id")
           REFERENCES "evidence_submissions"("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    for (const [name, columns] of [
      ['by_age', '"submitted_at", "submission_id"'],
      ['by_chapter', '"chapter_id", "submitted_at", "submission_id"'],
      ['by_organizer', '"organizer_id"'],
    ])
      await queryRunner.query(
        `CREATE INDEX "evidence_waiting_for_admin_${name}" ON "evidence_waiting_for_admin" (${columns})`,
      );
    await queryRunner.query(`
      CREATE FUNCTION evidence_waiting_refresh(organizers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(organizers), 0) = 0 THEN RETURN; END IF;
        IF cardinality(organizers) > ${PER_ORGANIZER_LOCKS_UP_TO} THEN
          LOCK TABLE evidence_waiting_for_admin IN SHARE ROW EXCLUSIVE MODE;
        ELSE
          LOCK TABLE evidence_waiting_for_admin IN ROW EXCLUSIVE MODE;
          PERFORM pg_advisory_xact_lock(hashtextextended('evidence-waiting:' || id::text, 0))
             FROM (SELECT DISTINCT id FROM unnest(organizers) AS id WHERE id IS NOT NULL ORDER BY id) AS locked;
        END IF;
        DELETE FROM evidence_waiting_for_admin WHERE organizer_id = ANY(organizers);
        INSERT INTO evidence_waiting_for_admin (submission_id, organizer_id, chapter_id, submitted_at)
        SELECT s.id, s.organizer_id, u.chapter_id, s.submitted_at
          FROM evidence_submissions s JOIN users u ON u.id = s.organizer_id
         WHERE s.organizer_id = ANY(organizers) AND s.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM coach_assignments a JOIN users c ON c.id = a.coach_id AND c.active
                            WHERE a.organizer_id = s.organizer_id AND a.ended_at IS NULL);
      END $$`);
    for (const [table, byOperation] of Object.entries(ORGANIZERS)) {
      const branches = Object.entries(byOperation).map(
        ([operation, select]) =>
          `IF TG_OP = '${operation}' THEN PERFORM evidence_waiting_refresh(ARRAY(${select})); END IF;`,
      );
      await queryRunner.query(`
        CREATE FUNCTION evidence_waiting_after_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${branches.join('\n          ')}
          RETURN NULL;
        END $$`);
      for (const operation of Object.keys(byOperation) as (keyof typeof TRANSITIONS)[])
        await queryRunner.query(
          `CREATE TRIGGER "waiting_for_admin_after_${operation.toLowerCase()}" AFTER ${operation} ON "${table}"
             REFERENCING ${TRANSITIONS[operation]} FOR EACH STATEMENT EXECUTE FUNCTION evidence_waiting_after_${table}()`,
        );
    }
    // Set-based, for the backfill and for bulk loads that switch triggers off (scripts/seed/scale.ts).
    await queryRunner.query(`CREATE FUNCTION evidence_waiting_rebuild() RETURNS void LANGUAGE sql AS $$
      DELETE FROM evidence_waiting_for_admin;
      INSERT INTO evidence_waiting_for_admin (submission_id, organizer_id, chapter_id, submitted_at)
      SELECT s.id, s.organizer_id, u.chapter_id, s.submitted_at
        FROM evidence_submissions s JOIN users u ON u.id = s.organizer_id
       WHERE s.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM coach_assignments a JOIN users c ON c.id = a.coach_id AND c.active
                          WHERE a.organizer_id = s.organizer_id AND a.ended_at IS NULL) $$`);
    await queryRunner.query('SELECT evidence_waiting_rebuild()');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, byOperation] of Object.entries(ORGANIZERS)) {
      for (const operation of Object.keys(byOperation))
        await queryRunner.query(
          `DROP TRIGGER "waiting_for_admin_after_${operation.toLowerCase()}" ON "${table}"`,
        );
      await queryRunner.query(`DROP FUNCTION evidence_waiting_after_${table}()`);
    }
    await queryRunner.query('DROP FUNCTION evidence_waiting_rebuild()');
    await queryRunner.query('DROP FUNCTION evidence_waiting_refresh(uuid[])');
    await queryRunner.query('DROP TABLE "evidence_waiting_for_admin"');
  }
}
