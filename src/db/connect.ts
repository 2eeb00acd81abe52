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
  };
}

/** Migrations may run long (an index on a big table): their own short-lived connections, no query timeout. */
async function migrateWithoutTimeouts(url: string, config: Config): Promise<void> {
  const dataSource = createDataSource({
    url,
    poolMax: 2,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    queryTimeoutMs: 0,
  });
  await dataSource.initialize();
  try {
    await runMigrationsSerialised(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
