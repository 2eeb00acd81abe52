import type { DataSource, EntityManager } from 'typeorm';
import { readTogether } from '../../src/db/read-together';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from '../helpers/database';

describe('readTogether', () => {
  let name: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    name = await createTestDatabase();
    dataSource = await connectTestDatabase(name, 3);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await dropTestDatabase(name);
  });

  /** Three reads that note how many of them were running at once, and their results in order. */
  async function readThree(manager: EntityManager) {
    let running = 0;
    let mostAtOnce = 0;
    const read = (value: number) => async () => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      const [row] = await manager.query<{ value: number }[]>('SELECT $1::int AS value, pg_sleep(0.01)', [
        value,
      ]);
      running -= 1;
      return row.value;
    };
    const results = await readTogether(manager, read(1), read(2), read(3));
    return { results, mostAtOnce };
  }

  it('runs the reads side by side on the pool', async () => {
    expect(await readThree(dataSource.manager)).toEqual({ results: [1, 2, 3], mostAtOnce: 3 });
  });

  it("runs them one after another on a transaction's single connection", async () => {
    expect(await dataSource.transaction(readThree)).toEqual({ results: [1, 2, 3], mostAtOnce: 1 });
  });

  it('keeps each result at its read’s position, with its own type', async () => {
    const [count, label] = await dataSource.transaction((manager) =>
      readTogether(
        manager,
        async () => (await manager.query<{ n: number }[]>('SELECT 2::int AS n'))[0].n,
        async () => (await manager.query<{ s: string }[]>(`SELECT 'two' AS s`))[0].s,
      ),
    );
    const typed: [number, string] = [count, label];
    expect(typed).toEqual([2, 'two']);
  });
});
