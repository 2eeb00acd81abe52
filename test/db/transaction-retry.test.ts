import express from 'express';
import request from 'supertest';
import { QueryFailedError } from 'typeorm';
import { Chapter } from '../../src/accounts/chapter.entity';
import { errorHandler } from '../../src/web/error-handler';
import { capturingLogger } from '../helpers/log-capture';
import { withTransaction } from '../../src/db/transaction';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter } from '../helpers/factories';

/**
 * Two transactions that lock the same two rows in opposite orders deadlock; PostgreSQL aborts one.
 * withTransaction runs the aborted one again, so both changes are kept and neither caller fails.
 */
describe('withTransaction after a deadlock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DB_QUERY_TIMEOUT_MS: '20000' } });
  });
  afterAll(() => t.close());

  it('runs the transaction PostgreSQL aborted again, and both changes are kept', async () => {
    const a = await createChapter(t.dataSource.manager, { name: 'Deadlock A' });
    const b = await createChapter(t.dataSource.manager, { name: 'Deadlock B' });
    let bothHoldTheirFirst!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldTheirFirst = resolve));
    let holding = 0;
    const attempts = { first: 0, second: 0 };
    const touch = (m: Parameters<Parameters<typeof withTransaction>[1]>[0], id: string, mark: string) =>
      m.query(`UPDATE chapters SET name = name || $2 WHERE id = $1`, [id, mark]);
    const inOrder = (first: string, second: string, mark: string, key: keyof typeof attempts) =>
      withTransaction(t.dataSource, async (m) => {
        attempts[key] += 1;
        await touch(m, first, mark);
        if (attempts[key] === 1) {
          holding += 1;
          if (holding === 2) bothHoldTheirFirst();
          await barrier;
        }
        await touch(m, second, mark);
      });
    await Promise.all([inOrder(a.id, b.id, ' 1', 'first'), inOrder(b.id, a.id, ' 2', 'second')]);
    // One of the two was aborted by PostgreSQL (deadlock) and ran again.
    expect(attempts.first + attempts.second).toBe(3);
    const names = (await t.dataSource.manager.findBy(Chapter, [{ id: a.id }, { id: b.id }]))
      .map((c) => c.name)
      .sort();
    expect(names.map((n) => n.split(' ').slice(2).sort().join(' '))).toEqual(['1 2', '1 2']);
  }, 30_000);

  it('answers 503 with a short Retry-After when a deadlock is left after the retries, never 500', async () => {
    const app = express();
    app.post('/stuck', () => {
      throw new QueryFailedError(
        'UPDATE …',
        [],
        Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      );
    });
    app.use(errorHandler(capturingLogger().logger));
    const response = await request(app).post('/stuck').set('accept', 'application/json');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect((response.body as { message: string }).message).toContain('please try again');
  });
});
