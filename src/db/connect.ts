import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres';

export interface Database {
  dataSource: DataSource;
  embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset, and optionally
 * applies pending migrations. The one path used by the server and the CLI scripts.
 */
export async function connectDatabase(config: Config, { migrate }: { migrate: boolean }): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource({
    url,
    poolMax: config.dbPoolMax,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  });
  try {
    await dataSource.initialize();
    if (migrate) await dataSource.runMigrations({ transaction: 'each' });
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
  };
}
