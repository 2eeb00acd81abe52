import type { DataSource } from 'typeorm';

/**
 * Invariants of the certificate and workshop data, checked in SQL. Each query returns the rows that
 * break the rule, so a failing test shows the culprits.
 */
export async function certificateInvariantViolations(
  dataSource: DataSource,
  trackId: string,
  milestoneIds: string[],
) {
  const incomplete = await dataSource.query<{ certificate_id: string; missing: string[] }[]>(
    `SELECT c.id AS certificate_id,
            array(SELECT m FROM unnest($2::text[]) AS m
                   WHERE NOT EXISTS (SELECT 1 FROM milestone_completions mc
                                      WHERE mc.user_id = c.user_id AND mc.milestone_id = m)) AS missing
       FROM certificates c
      WHERE c.track_id = $1
        AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS m
                     WHERE NOT EXISTS (SELECT 1 FROM milestone_completions mc
                                        WHERE mc.user_id = c.user_id AND mc.milestone_id = m))`,
    [trackId, milestoneIds],
  );
  const twoCurrent = await dataSource.query<{ user_id: string; current: number }[]>(
    `SELECT user_id, count(*)::int AS current FROM certificates
      WHERE track_id = $1 AND superseded_at IS NULL GROUP BY user_id HAVING count(*) > 1`,
    [trackId],
  );
  const notAudited = await dataSource.query<{ id: string }[]>(
    `SELECT c.id FROM certificates c
      WHERE NOT EXISTS (SELECT 1 FROM audit_events a
                         WHERE a.action = 'certificate.issued' AND a.subject_id = c.id::text)`,
  );
  return { incomplete, twoCurrent, notAudited };
}

/**
 * The status lists: every slot given out belongs to exactly one certificate and lies inside its list.
 * Slots are taken in the transaction that inserts the certificate, so a list's `taken` count equals
 * the number of certificates on it; a difference would mean a slot was taken by a transaction whose
 * certificate was lost (or a certificate got a slot without counting it).
 */
export async function statusListViolations(dataSource: DataSource) {
  const lists = await dataSource.query<{ id: number; taken: number; certificates: number }[]>(
    `SELECT l.id, l.taken, count(c.id)::int AS certificates
       FROM status_lists l LEFT JOIN certificates c ON c.status_list_id = l.id
      GROUP BY l.id, l.taken ORDER BY l.id`,
  );
  const duplicateSlots = await dataSource.query<{ status_list_id: number; status_index: number }[]>(
    `SELECT status_list_id, status_index FROM certificates
      GROUP BY status_list_id, status_index HAVING count(*) > 1`,
  );
  const outsideList = await dataSource.query<{ id: string }[]>(
    `SELECT c.id FROM certificates c JOIN status_lists l ON l.id = c.status_list_id
      WHERE c.status_index < 0 OR c.status_index >= l.size`,
  );
  const countMismatch = lists.filter((list) => list.taken !== list.certificates);
  return { lists, duplicateSlots, outsideList, countMismatch };
}

/** Everyone marked present has the workshop's milestones (marking and completing share a transaction). */
export async function attendanceWithoutCompletion(dataSource: DataSource) {
  return dataSource.query<{ user_id: string; milestone_id: string }[]>(
    `SELECT a.user_id, m AS milestone_id
       FROM workshop_attendance a JOIN workshops w ON w.id = a.workshop_id, unnest(w.milestone_ids) AS m
      WHERE a.status = 'present'
        AND NOT EXISTS (SELECT 1 FROM milestone_completions mc WHERE mc.user_id = a.user_id AND mc.milestone_id = m)`,
  );
}

/**
 * The other direction: a completion recorded by a workshop has its "present" mark. (Only while no
 * mark was corrected afterwards: a certificate keeps completions whose attendance was corrected.)
 */
export async function workshopCompletionWithoutAttendance(dataSource: DataSource) {
  return dataSource.query<{ user_id: string; milestone_id: string }[]>(
    `SELECT mc.user_id, mc.milestone_id FROM milestone_completions mc
      WHERE mc.source = 'workshop'
        AND NOT EXISTS (SELECT 1 FROM workshop_attendance a JOIN workshops w ON w.id = a.workshop_id
                         WHERE a.user_id = mc.user_id AND a.status = 'present'
                           AND mc.milestone_id = ANY (w.milestone_ids))`,
  );
}

/** Seats never exceed capacity, and nobody holds two active registrations for one workshop. */
export async function registrationViolations(dataSource: DataSource) {
  const overbooked = await dataSource.query<{ id: string; capacity: number; registered: number }[]>(
    `SELECT w.id, w.capacity, count(r.id)::int AS registered
       FROM workshops w JOIN workshop_registrations r ON r.workshop_id = w.id AND r.status = 'registered'
      GROUP BY w.id, w.capacity HAVING count(r.id) > w.capacity`,
  );
  const doubled = await dataSource.query<{ workshop_id: string; user_id: string }[]>(
    `SELECT workshop_id, user_id FROM workshop_registrations WHERE status <> 'cancelled'
      GROUP BY workshop_id, user_id HAVING count(*) > 1`,
  );
  return { overbooked, doubled };
}

export async function registrationCounts(dataSource: DataSource, workshopId: string) {
  const [row] = await dataSource.query<{ registered: number; waitlisted: number; people: number }[]>(
    `SELECT count(*) FILTER (WHERE status = 'registered')::int AS registered,
            count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted,
            count(DISTINCT user_id)::int AS people
       FROM workshop_registrations WHERE workshop_id = $1`,
    [workshopId],
  );
  return row;
}

/** Slots given out on the first status list (all a test's certificates fit on it). */
export async function statusSlotsTaken(dataSource: DataSource): Promise<number> {
  const [row] = await dataSource.query<{ taken: number }[]>('SELECT taken FROM status_lists WHERE id = 1');
  return row?.taken ?? 0;
}
