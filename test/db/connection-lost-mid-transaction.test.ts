import type { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../../src/web/database-errors';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from '../helpers/database';

/** A connection lost in the middle of a transaction is "database unavailable" (503), not a bug (500). */
describe('a connection lost mid-transaction', () => {
  let name: string;
  let dataSource: DataSource;
  let observer: DataSource;
  beforeAll(async () => {
    name = await createTestDatabase();
    dataSource = await connectTestDatabase(name, 2);
    observer = await connectTestDatabase(name, 1);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await observer.destroy();
    await dropTestDatabase(name);
  });

  it('fails with an error the error handler answers 503, whether the next statement or the commit meets it', async () => {
    const failures: unknown[] = [];
    for (const step of ['statement', 'commit'] as const) {
      const outcome = await dataSource
        .transaction(async (manager) => {
          const [{ pid }] = await manager.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
          await observer.query('SELECT pg_terminate_backend($1)', [pid]);
          await new Promise((resolve) => setTimeout(resolve, 100));
          if (step === 'statement') await manager.query('SELECT 1');
        })
        .then(
          () => 'committed',
          (error: unknown) => error,
        );
      failures.push(outcome);
    }
    expect(failures.map((failure) => failure !== 'committed' && isDatabaseUnavailable(failure))).toEqual([
      true,
      true,
    ]);
  });
});
