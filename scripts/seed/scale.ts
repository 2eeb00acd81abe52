import type { ClientBase } from 'pg';
import { secondsSince } from './context';

/**
 * Tables grown by BENCH_SCALE, parents first. Each is copied (scale − 1) times with one
 * `INSERT … SELECT … CROSS JOIN generate_series(2, scale)`: copy k of a row keeps every value but
 * its keys, which become md5(key ‖ ':' ‖ k)::uuid, the same mapping in every table, so copies keep
 * their relationships (a copied submission belongs to the copied organizer, in the copied chapter).
 * The data set thus grows with the 1× distributions intact: chapters, people per stage, evidence,
 * reviews, workshops (in the copied chapters, so the upcoming list grows too), readings,
 * completions and certificates.
 */
const TABLES = [
  'chapters',
  'cohorts',
  'users',
  'coach_assignments',
  'coach_requests',
  'evidence_submissions',
  'submission_reviews',
  'coach_sessions',
  'module_reads',
  'milestone_completions',
  'workshops',
  'workshop_facilitators',
  'workshop_registrations',
  'workshop_attendance',
  'status_lists',
  'certificates',
  'certificate_verifications',
] as const;

const SUMMARIES = ['progress_people', 'progress_tracks'] as const;

/** The progress summaries recounted from the source rows, for everyone, in set-based statements. */
const SUMMARIES_REBUILD = [
  'DELETE FROM progress_tracks',
  'DELETE FROM progress_people',
  `INSERT INTO progress_people (user_id, last_activity_at)
   SELECT u.id, GREATEST(u.last_login_at, s.at, r.at, c.at) FROM users u
     LEFT JOIN (SELECT organizer_id AS id, max(submitted_at) AS at FROM evidence_submissions GROUP BY 1) s ON s.id = u.id
     LEFT JOIN (SELECT user_id AS id, max(read_at) AS at FROM module_reads GROUP BY 1) r ON r.id = u.id
     LEFT JOIN (SELECT user_id AS id, max(completed_at) AS at FROM milestone_completions GROUP BY 1) c ON c.id = u.id`,
  `INSERT INTO progress_tracks (user_id, track_id, completed, certified)
   SELECT coalesce(c.user_id, ce.user_id), coalesce(c.track_id, ce.track_id), coalesce(c.n, 0), ce.user_id IS NOT NULL
     FROM (SELECT user_id, track_id, count(*)::int AS n FROM milestone_completions GROUP BY 1, 2) c
     FULL JOIN (SELECT DISTINCT user_id, track_id FROM certificates
                 WHERE superseded_at IS NULL AND revoked_at IS NULL) ce
       ON ce.user_id = c.user_id AND ce.track_id = c.track_id`,
];

/** Copies get their own status lists (ids + (k − 1) · 1000), unpublished; the benchmark verifies 1× certificates only. */
const STATUS_LIST_STRIDE = 1000;

/** Columns that are unique on their own and are not keys: what copy k stores instead. */
const UNIQUE_VALUES: Record<string, Record<string, string>> = {
  chapters: { name: `name || ' · ' || k` },
  cohorts: { name: `name || ' · ' || k` },
  users: { email: `'c' || k || '.' || email` },
  status_lists: { id: `id + (k - 1) * ${STATUS_LIST_STRIDE}`, credential: 'NULL' },
  certificates: {
    code: `code || '-' || k`,
    status_list_id: `status_list_id + (k - 1) * ${STATUS_LIST_STRIDE}`,
  },
};

async function columnsOf(client: ClientBase, table: string) {
  const { rows: columns } = await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  );
  const { rows: references } = await client.query<{ name: string; target: string }>(
    `SELECT a.attname AS name, target.relname AS target
       FROM pg_constraint c JOIN pg_class source ON source.oid = c.conrelid
       JOIN pg_class target ON target.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND source.relname = $1`,
    [table],
  );
  const copied = new Set<string>(TABLES);
  const keys = new Set(references.filter((r) => copied.has(r.target)).map((r) => r.name));
  return columns.map(({ name, type }) => {
    const special = UNIQUE_VALUES[table]?.[name];
    if (special) return { name, expr: special };
    if (type === 'uuid' && (name === 'id' || keys.has(name)))
      return { name, expr: `md5("${name}"::text || ':' || k)::uuid` };
    return { name, expr: `"${name}"` };
  });
}

/**
 * Grows the seeded data set to `scale` times its size (see TABLES). Ordinary triggers (change
 * notices, progress summaries, report aggregates; foreign-key checks too where the role may, with
 * session_replication_role) are switched off for the copy, and the progress summaries and report
 * aggregates are then rebuilt in one pass each.
 */
export async function growByCopies(
  client: ClientBase,
  scale: number,
  log: (line: string) => void,
): Promise<void> {
  if (scale <= 1) return;
  await client.query('BEGIN');
  await client.query('SET LOCAL synchronous_commit = off');
  await client.query('SAVEPOINT quiet');
  const quiet = await client
    .query('SET LOCAL session_replication_role = replica')
    .then(() => true)
    .catch(() => false);
  if (!quiet) {
    // Not a superuser: the tables' owner may still switch off their own (non-constraint) triggers.
    await client.query('ROLLBACK TO SAVEPOINT quiet');
    for (const table of TABLES) await client.query(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
    log('  (not a superuser: user triggers switched off for the copy, foreign keys still checked)');
  }
  for (const table of TABLES) {
    const started = performance.now();
    const columns = await columnsOf(client, table);
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const values = columns.map((c) => c.expr).join(', ');
    const { rowCount } = await client.query(
      `INSERT INTO "${table}" (${names}) SELECT ${values} FROM "${table}" CROSS JOIN generate_series(2, $1) AS k`,
      [scale],
    );
    log(`  ${table.padEnd(26)} +${String(rowCount).padStart(9)}  ${secondsSince(started)}`);
  }
  if (quiet) await client.query('SET LOCAL session_replication_role = origin');
  else for (const table of TABLES) await client.query(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
  const started = performance.now();
  // Set-based (as the ProgressSummaries migration's backfill): the per-person refresh functions
  // with every id in one array could be planned as a scan comparing each row with the whole array.
  await client.query('ANALYZE');
  // The summaries' own triggers (stalled candidates, funnel counts) would recount everyone twice
  // (once for the delete, once for the insert); those are rebuilt whole below instead.
  for (const table of SUMMARIES) await client.query(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
  for (const sql of SUMMARIES_REBUILD) await client.query(sql);
  for (const table of SUMMARIES) await client.query(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
  log(`  progress summaries rebuilt  ${secondsSince(started)}`);
  const rebuilt = performance.now();
  await client.query('SELECT report_rebuild()');
  await client.query('SELECT coach_load_rebuild()');
  await client.query('SELECT evidence_waiting_rebuild()');
  await client.query('SELECT report_stalled_rebuild()');
  await client.query('SELECT report_funnel_rebuild()');
  await client.query('SELECT learner_periods_rebuild()');
  await client.query('SELECT award_counts_rebuild()');
  log(
    `  report aggregates, coach loads, evidence waiting for an admin, stalled candidates, funnel counts, active learners and awards rebuilt  ${secondsSince(rebuilt)}`,
  );
  await client.query('COMMIT');
}
