import type { DataSource } from 'typeorm';
import { pendingSchemaChanges } from '../../src/db/schema-diff';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from '../helpers/database';

describe('migrations', () => {
  let databaseName: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    databaseName = await createTestDatabase();
    dataSource = await connectTestDatabase(databaseName);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await dropTestDatabase(databaseName);
  });

  it('build exactly the schema the entities describe (a generated migration would be empty)', async () => {
    const diff = await pendingSchemaChanges(dataSource);
    expect(diff.up).toEqual([]);
  });

  it('can all be undone and applied again', async () => {
    const applied = dataSource.migrations.length;
    for (let i = 0; i < applied; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    const tables = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('migrations', 'typeorm_metadata')`,
    );
    expect(tables[0].n).toBe(0);
    const reapplied = await dataSource.runMigrations({ transaction: 'each' });
    expect(reapplied).toHaveLength(applied);
    expect((await pendingSchemaChanges(dataSource)).up).toEqual([]);
  });
});
