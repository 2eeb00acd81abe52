import pino from 'pino';
import type { DataSource, Logger } from 'typeorm';
import { createApp, type App } from '../../src/app';
import type { ThrottleLimits } from '../../src/accounts/login-throttle';
import { loadConfig, type Config } from '../../src/config';
import { CurriculumCatalog } from '../../src/curriculum/catalog';
import { SearchService } from '../../src/curriculum/search.service';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from './database';

export interface TestApp {
  app: App;
  dataSource: DataSource;
  config: Config;
  databaseName: string;
  close(): Promise<void>;
}

const catalogs = new Map<string, CurriculumCatalog>();

/** Curricula are loaded once per folder per test file; rendering is the slow part. */
export function testCatalog(dir: string): CurriculumCatalog {
  let catalog = catalogs.get(dir);
  if (!catalog) {
    catalog = new CurriculumCatalog(dir);
    catalogs.set(dir, catalog);
  }
  return catalog;
}

export const TEST_ENV = {
  NODE_ENV: 'test',
  SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
  ISSUER_KEY_SECRET: 'test-issuer-key-secret-that-is-long-enough-0123',
  BASE_URL: 'http://academy.test',
  LOG_LEVEL: 'silent',
} as const;

/**
 * The real app on its own fresh database (or on `databaseName`, to run two apps on one database
 * like two server processes would).
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    throttleLimits?: ThrottleLimits;
    databaseName?: string;
    queryLogger?: Logger;
    /** The app's logger (silent unless a test reads the log). */
    logger?: pino.Logger;
  } = {},
): Promise<TestApp> {
  const ownsDatabase = !options.databaseName;
  const databaseName = options.databaseName ?? (await createTestDatabase());
  const dataSource = await connectTestDatabase(databaseName, 5, options.queryLogger);
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  const catalog = testCatalog(config.curriculumDir);
  await new SearchService().ensureIndex(dataSource, catalog.current());
  const app = createApp({
    config,
    dataSource,
    catalog,
    logger: options.logger ?? pino({ level: 'silent' }),
    throttleLimits: options.throttleLimits,
    sessionPruneSeconds: false,
  });
  return {
    app,
    dataSource,
    config,
    databaseName,
    async close() {
      await app.closeResources();
      await dataSource.destroy();
      if (ownsDatabase) await dropTestDatabase(databaseName);
    },
  };
}
