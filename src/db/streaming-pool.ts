import { Pool, type PoolConfig } from 'pg';

/**
 * A second, small pool for streamed downloads, beside the DataSource's: a download holds its
 * connection for as long as the client reads, so it must never take one that pages need. Its
 * connections have no query or statement timeout (a cursor read by a slow client legitimately runs
 * for minutes); a stalled client is cut by the writer instead (see streamCsv).
 */
export function createStreamingPool(main: PoolConfig, max: number): Pool {
  const pool = new Pool({
    ...main,
    max,
    query_timeout: 0,
    statement_timeout: 0,
    application_name: `${main.application_name ?? 'organizer-academy'} (exports)`,
  });
  // Whatever timeout the main pool's settings or the database role set, a download has none.
  pool.on('connect', (client) => {
    client.query('SET statement_timeout = 0').catch(() => undefined);
  });
  return pool;
}
