import type { MigrationInterface, QueryRunner } from 'typeorm';

/** More people than this in one statement (bulk imports, seeds) lock the loads whole instead. */
const PER_PERSON_LOCKS_UP_TO = 1000;

/**
 * Locks (per person, in id order) taken before recounting, so concurrent recounts see each other;
 * everyone recounting holds ROW EXCLUSIVE first, so a bulk recount (SHARE ROW EXCLUSIVE) waits for
 * them and they for it.
 */
function lockAll(prefix: string, ids: string): string {
  return `IF cardinality(${ids}) > ${PER_PERSON_LOCKS_UP_TO} THEN
            LOCK TABLE coach_loads IN SHARE ROW EXCLUSIVE MODE;
          ELSE
            LOCK TABLE coach_loads IN ROW EXCLUSIVE MODE;
            PERFORM pg_advisory_xact_lock(hashtextextended('${prefix}:' || id::text, 0))
               FROM (SELECT DISTINCT id FROM unnest(${ids}) AS id WHERE id IS NOT NULL ORDER BY id) AS locked;
          END IF;`;
}

/**
 * Each active coach's load, kept by the database in the same transaction as the change: organizers
 * assigned now and their evidence waiting for review, with the coach's chapter, name and capacity,
 * so the coach ranking pages through a few thousand narrow rows instead of counting for every
 * coach. Recounted (never adjusted) per coach after assignments, evidence or coaches change; the
 * organizer lock taken first orders evidence against a change of coach, the coach lock orders
 * recounts of one coach.
 */
export class CoachLoads1795890090000 implements MigrationInterface {
  name = 'CoachLoads1795890090000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "coach_loads" ("coach_id" uuid NOT NULL, "chapter_id" uuid, "display_name" text NOT NULL,
         "capacity" integer NOT NULL, "active" integer NOT NULL, "waiting" integer NOT NULL,
         CONSTRAINT "PK_coach_loads" PRIMARY KEY ("coach_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "coach_loads" ADD CONSTRAINT "FK_51d4a37bf7f4d3a369111b0a920" FOREIGN KEY ("coach_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION coach_load_refresh(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
        ${lockAll('coach-load', 'ids')}
        DELETE FROM coach_loads l WHERE l.coach_id = ANY(ids)
           AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.coach_id AND u.role = 'coach' AND u.active);
        INSERT INTO coach_loads (coach_id, chapter_id, display_name, capacity, active, waiting)
        SELECT u.id, u.chapter_id, u.display_name, u.coach_capacity,
               (SELECT count(*) FROM coach_assignments a WHERE a.coach_id = u.id AND a.ended_at IS NULL),
               (SELECT count(*) FROM evidence_submissions s
                  JOIN coach_assignments a ON a.organizer_id = s.organizer_id AND a.ended_at IS NULL
                 WHERE a.coach_id = u.id AND s.status = 'pending')
          FROM users u WHERE u.id = ANY(ids) AND u.role = 'coach' AND u.active
        ON CONFLICT (coach_id) DO UPDATE SET chapter_id = EXCLUDED.chapter_id, display_name = EXCLUDED.display_name,
             capacity = EXCLUDED.capacity, active = EXCLUDED.active, waiting = EXCLUDED.waiting;
      END $$`);
    // Organizers' changes (assignments, evidence) lock the organizers first, then recount their coaches.
    await queryRunner.query(`
      CREATE FUNCTION coach_load_for_organizers(organizers uuid[], coaches uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(cardinality(organizers), 0) = 0 THEN RETURN; END IF;
        ${lockAll('coach-organizer', 'organizers')}
        PERFORM coach_load_refresh(ARRAY(
          SELECT unnest(coaches)
          UNION SELECT coach_id FROM coach_assignments WHERE organizer_id = ANY(organizers) AND ended_at IS NULL));
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION coach_load_after_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM coach_load_for_organizers(ARRAY(SELECT organizer_id FROM new_rows), ARRAY(SELECT coach_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM coach_load_for_organizers(ARRAY(SELECT organizer_id FROM old_rows), ARRAY(SELECT coach_id FROM old_rows));
        ELSE
          PERFORM coach_load_for_organizers(
            ARRAY(SELECT organizer_id FROM old_rows UNION SELECT organizer_id FROM new_rows),
            ARRAY(SELECT coach_id FROM old_rows UNION SELECT coach_id FROM new_rows));
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION coach_load_after_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM coach_load_for_organizers(ARRAY(SELECT organizer_id FROM new_rows WHERE status = 'pending'), '{}');
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM coach_load_for_organizers(ARRAY(SELECT organizer_id FROM old_rows WHERE status = 'pending'), '{}');
        ELSE
          PERFORM coach_load_for_organizers(ARRAY(
            SELECT o.organizer_id FROM old_rows o JOIN new_rows n USING (id)
             WHERE 'pending' IN (o.status, n.status) AND (o.status, o.organizer_id) IS DISTINCT FROM (n.status, n.organizer_id)
            UNION SELECT n.organizer_id FROM old_rows o JOIN new_rows n USING (id)
             WHERE 'pending' IN (o.status, n.status) AND (o.status, o.organizer_id) IS DISTINCT FROM (n.status, n.organizer_id)), '{}');
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION coach_load_after_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM coach_load_refresh(ARRAY(SELECT id FROM new_rows WHERE role = 'coach'));
        ELSE
          PERFORM coach_load_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o USING (id)
             WHERE 'coach' IN (n.role, o.role)
               AND (n.role, n.active, n.chapter_id, n.display_name, n.coach_capacity)
                   IS DISTINCT FROM (o.role, o.active, o.chapter_id, o.display_name, o.coach_capacity)));
        END IF;
        RETURN NULL;
      END $$`);
    for (const [table, fn, events] of [
      ['coach_assignments', 'coach_load_after_assignments', ['INSERT', 'UPDATE', 'DELETE']],
      ['evidence_submissions', 'coach_load_after_evidence', ['INSERT', 'UPDATE', 'DELETE']],
      ['users', 'coach_load_after_users', ['INSERT', 'UPDATE']],
    ] as const)
      for (const event of events)
        await queryRunner.query(
          `CREATE TRIGGER "coach_load_after_${event.toLowerCase()}" AFTER ${event} ON "${table}"
             REFERENCING ${TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
        );

    await queryRunner.query(`CREATE FUNCTION coach_load_rebuild() RETURNS void LANGUAGE sql AS $$
      DELETE FROM coach_loads;
      INSERT INTO coach_loads (coach_id, chapter_id, display_name, capacity, active, waiting)
      SELECT u.id, u.chapter_id, u.display_name, u.coach_capacity, coalesce(a.n, 0), coalesce(w.n, 0)
        FROM users u
        LEFT JOIN (SELECT coach_id, count(*) AS n FROM coach_assignments WHERE ended_at IS NULL GROUP BY 1) a ON a.coach_id = u.id
        LEFT JOIN (SELECT a.coach_id, count(*) AS n FROM evidence_submissions s
                     JOIN coach_assignments a ON a.organizer_id = s.organizer_id AND a.ended_at IS NULL
                    WHERE s.status = 'pending' GROUP BY 1) w ON w.coach_id = u.id
       WHERE u.role = 'coach' AND u.active $$`);
    await queryRunner.query('SELECT coach_load_rebuild()');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, events] of [
      ['coach_assignments', ['insert', 'update', 'delete']],
      ['evidence_submissions', ['insert', 'update', 'delete']],
      ['users', ['insert', 'update']],
    ] as const)
      for (const event of events)
        await queryRunner.query(`DROP TRIGGER "coach_load_after_${event}" ON "${table}"`);
    for (const fn of [
      'coach_load_after_users()',
      'coach_load_after_evidence()',
      'coach_load_after_assignments()',
    ])
      await queryRunner.query(`DROP FUNCTION ${fn}`);
    await queryRunner.query('DROP FUNCTION coach_load_rebuild()');
    await queryRunner.query('DROP FUNCTION coach_load_for_organizers(uuid[], uuid[])');
    await queryRunner.query('DROP FUNCTION coach_load_refresh(uuid[])');
    await queryRunner.query('DROP TABLE "coach_loads"');
  }
}

const TRANSITIONS = {
  INSERT: 'NEW TABLE AS new_rows',
  UPDATE: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  DELETE: 'OLD TABLE AS old_rows',
} as const;
