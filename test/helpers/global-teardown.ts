import fs from 'node:fs';
import { Client } from 'pg';

/** Stops the embedded server (its folder goes too) or drops what the run created on DATABASE_URL. */
export default async function globalTeardown(): Promise<void> {
  if (globalThis.__EMBEDDED_TEST_DB__) {
    await globalThis.__EMBEDDED_TEST_DB__.stop();
    if (globalThis.__TEST_DATA_DIR__)
      fs.rmSync(globalThis.__TEST_DATA_DIR__, { recursive: true, force: true });
    return;
  }
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_SERVER_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'academy_test_%'`,
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
