import type { DataSource } from 'typeorm';

/** The advisory lock every process takes around migrations (any fixed 64-bit number of our own). */
export const MIGRATION_LOCK_KEY = 7_164_927_301_455_001;
const LOCK_POLL_MS = 200;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so any number of processes
 * may start together on one database: the first migrates, the others wait for it, then find
 * nothing left to do. (Without it, two processes on an empty database both began the first
 * migration and one failed on a duplicate type.) The lock is polled with pg_try_advisory_lock so
 * no single statement waits long; it is released with its connection even if this process dies.
 */
export async function runMigrationsSerialised(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    for (;;) {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        MIGRATION_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (row.locked) break;
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
