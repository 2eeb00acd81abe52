import crypto from 'node:crypto';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { createDataSource } from '../../src/db/data-source';
import { runMigrationsSerialised } from '../../src/db/migrate-serialised';
import { databaseUrl, dropTestDatabase } from '../helpers/database';

const PROCESSES = 3;

/** Several app processes starting together on an empty database, as after a fresh deployment. */
describe('migrations run by several processes at once', () => {
  const name = `academy_test_empty_${crypto.randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    const client = new Client({ connectionString: process.env.TEST_DATABASE_SERVER_URL });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  });
  afterAll(() => dropTestDatabase(name));

  it('are applied once each: one process migrates, the others wait and find nothing to do', async () => {
    const dataSources = Array.from({ length: PROCESSES }, () =>
      createDataSource({ url: databaseUrl(name), poolMax: 2, queryTimeoutMs: 0 }),
    );
    await Promise.all(dataSources.map((dataSource) => dataSource.initialize()));
    try {
      const outcomes = await Promise.allSettled(
        dataSources.map((dataSource) => runMigrationsSerialised(dataSource)),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(PROCESSES).fill('fulfilled'));
      const rows = await dataSources[0].query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((row) => row.name)).toEqual(migrations.map((migration) => migration.name));
      // The lock is free again (in this database: other test files hold advisory locks of their own).
      const [free] = await dataSources[0].query<{ locked: boolean }[]>(
        `SELECT count(*) = 0 AS locked FROM pg_locks
          WHERE locktype = $1 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        ['advisory'],
      );
      expect(free.locked).toBe(true);
    } finally {
      await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
    }
  });
});
