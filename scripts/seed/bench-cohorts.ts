import type { ClientBase } from 'pg';
import { BENCH_DOMAIN } from './bench-manifest';

/** The prefix of every bench cohort's name (how an existing bench database is recognised). */
const PREFIX = 'Bench cohort';

/**
 * Puts about seven in ten bench organizers into cohorts, as chapters run them: one cohort per
 * chapter and year of joining ("Bench cohort 2025 · Bench 01 · Boston"), so the report's cohort
 * filter is measured at every scale. Idempotent: a database that already has bench cohorts is left
 * alone, so an older bench database gains them without re-seeding. Two set-based statements; run
 * on a connection without the app's query timeout (at 50× they update about 200,000 people).
 * Returns the number of cohorts made.
 */
export async function ensureBenchCohorts(client: ClientBase): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM cohorts WHERE name LIKE $1',
    [`${PREFIX} %`],
  );
  if (rows[0].n > 0) return 0;
  const joined = `${PREFIX} ' || extract(year FROM u.created_at)::int || ' · ' || left(ch.name, 80)`;
  const inCohorts = `u.role = 'organizer' AND u.cohort_id IS NULL AND u.email LIKE $1
     AND abs(hashtext(u.id::text)) % 10 < 7`;
  await client.query('BEGIN');
  try {
    const made = await client.query(
      `INSERT INTO cohorts (name, chapter_id)
       SELECT DISTINCT '${joined}, ch.id FROM users u JOIN chapters ch ON ch.id = u.chapter_id
        WHERE ${inCohorts}`,
      [`%@${BENCH_DOMAIN}`],
    );
    await client.query(
      `UPDATE users u SET cohort_id = c.id
         FROM chapters ch, cohorts c
        WHERE ch.id = u.chapter_id AND c.name = '${joined} AND ${inCohorts}`,
      [`%@${BENCH_DOMAIN}`],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE cohorts, users, circles');
    return made.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
