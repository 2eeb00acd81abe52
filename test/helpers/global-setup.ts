import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres';

export const TEMPLATE_DATABASE = 'academy_test_template';

declare global {
  var __EMBEDDED_TEST_DB__: EmbeddedDatabase | undefined;
  var __TEST_DATA_DIR__: string | undefined;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set (CI runs the suite against Debian's
 * server too), otherwise an embedded server in a temporary folder. The migrations build a template
 * database once; every test file then gets its own copy of it.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-test-'));
    globalThis.__TEST_DATA_DIR__ = dataDir;
    globalThis.__EMBEDDED_TEST_DB__ = await startEmbeddedPostgres(dataDir);
    // Tests create a database per file: that takes the superuser (the app itself never uses it).
    serverUrl = `${globalThis.__EMBEDDED_TEST_DB__.superuserUrl}/postgres`;
  }
  const adminUrl = withDatabase(serverUrl, 'postgres');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = createDataSource({ url: withDatabase(serverUrl, TEMPLATE_DATABASE) });
  await template.initialize();
  await template.runMigrations({ transaction: 'each' });
  await template.destroy();
  process.env.TEST_DATABASE_SERVER_URL = adminUrl;
  process.env.TEST_TEMPLATE_DATABASE = TEMPLATE_DATABASE;
}
