import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';

/** Anonymous search is limited per address: points are taken before the search runs. */
describe('search limit per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  const search = (ip: string) => request(t.app).get('/search?q=listening').set('X-Forwarded-For', ip);

  it('answers at most 60 searches a minute from one address, then 429 with Retry-After', async () => {
    for (let i = 0; i < 60; i += 1) expect((await search('198.51.100.20')).status).toBe(200);
    const refused = await search('198.51.100.20');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await search('198.51.100.21')).status).toBe(200);
  });

  it('runs at most three searches of one address at once: the rest of a burst of 50 is refused before any work', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => search('198.51.100.22')));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(responses.find((r) => r.status === 429)?.text).toContain('still being answered');
  });
});
