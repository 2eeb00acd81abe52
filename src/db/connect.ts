import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { runMigrationsSerialised } from './migrate-serialised';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';
import type { Say } from './postgres-supervisor';

export interface Database {
  dataSource: DataSource;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
  /** Why this process cannot reach a database again without help (see EmbeddedDatabase), or undefined. */
  problem(): string | undefined;
  /**
   * Runs start-up maintenance that may touch millions of rows (say re-filing completions after a
   * curriculum change) on a short-lived connection of its own with no query timeout, like migrations.
   */
  untimed<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset, and optionally
 * applies pending migrations. The one path used by the server and the CLI scripts.
 */
export async function connectDatabase(
  config: Config,
  { migrate, say }: { migrate: boolean; say?: Say },
): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, say);
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource({
    url,
    poolMax: config.dbPoolMax,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: config.dbQueryTimeoutMs,
  });
  try {
    if (migrate) await migrateWithoutTimeouts(url, config);
    await dataSource.initialize();
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
    problem: () => embedded?.problem(),
    untimed: (work) => withoutTimeouts(url, config, work),
  };
}

/** Migrations may run long (an index on a big table): their own short-lived connections, no query timeout. */
function migrateWithoutTimeouts(url: string, config: Config): Promise<string[]> {
  return withoutTimeouts(url, config, (dataSource) => runMigrationsSerialised(dataSource));
}

async function withoutTimeouts<T>(
  url: string,
  config: Config,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = createDataSource({
    url,
    poolMax: 2,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: 0,
  });
  await dataSource.initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
