import request from 'supertest';
import { certificateKit } from '../certificates/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { startListeningApp, type RunningApp } from '../helpers/listening-app';

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
    for (const refused of responses.filter((r) => r.status === 429))
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});

/** Every anonymous page of every feature draws on one budget per address. */
describe('public pages limit per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '8' } });
  });
  afterAll(() => t.close());

  const get = (path: string, ip: string) => request(t.app).get(path).set('X-Forwarded-For', ip);

  it('counts the directory, the open doors, the opportunities board, the talent listing and the issuer page together', async () => {
    const paths = ['/chapters', '/join', '/opportunities', '/people/listed', '/issuer', '/partners/request'];
    const ip = '198.51.100.40';
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await get(paths[i % paths.length], ip)).status);
    expect(statuses).toEqual(Array(8).fill(200));
    // The ninth, whichever feature it asks, is over the one budget.
    for (const path of paths) {
      const refused = await get(path, ip);
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Too many requests from your address');
    }
    // Another address has its own budget.
    expect((await get('/chapters', '198.51.100.41')).status).toBe(200);
  });

  it('counts every address of one IPv6 /64 as one address, and IPv4-mapped addresses as their IPv4', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i += 1) statuses.push((await get('/chapters', `2001:db8:40:1::${i + 1}`)).status);
    expect(statuses).toEqual([...Array<number>(8).fill(200), 429]);
    expect((await get('/chapters', '2001:db8:40:2::1')).status).toBe(200);
    for (let i = 0; i < 8; i += 1) await get('/chapters', '198.51.100.42');
    expect((await get('/chapters', '::ffff:198.51.100.42')).status).toBe(429);
  });
});

/**
 * The per-address limits kept in each process's memory, under a burst of 50 from one address: no
 * more are answered than the minute's budget, every other request gets 429 with Retry-After and a
 * message, never a 500, and the budget is spent afterwards (refused requests count too).
 */
describe('per-address limits in memory under a burst of 50', () => {
  const BUDGET = 20;
  const REFUSALS = ['Too many requests from your address', 'still being answered'];
  let running: RunningApp;
  let credential: string;
  beforeAll(async () => {
    running = await startListeningApp({ TRUST_PROXY: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: String(BUDGET) });
    const holder = await createUser(running.t.dataSource.manager);
    const certificate = await certificateKit(running.t).certify(holder.id);
    credential = JSON.stringify(certificate.credential);
  });
  afterAll(() => running.close());

  const bursts: [string, string, (ip: string) => request.Test, number[]][] = [
    [
      'the public pages',
      '198.51.100.60',
      (ip) => request(running.t.app).get('/chapters').set('X-Forwarded-For', ip),
      [200],
    ],
    [
      'the credential checker',
      '198.51.100.61',
      (ip) =>
        request(running.t.app).post('/verify').set('X-Forwarded-For', ip).type('form').send({ credential }),
      [200],
    ],
  ];

  it.each(bursts)('%s', async (_name, ip, send, answered) => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => send(ip)));
    const done = responses.filter((r) => answered.includes(r.status));
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.map((r) => r.status).filter((s) => !answered.includes(s) && s !== 429)).toEqual([]);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThanOrEqual(BUDGET);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(REFUSALS.some((text) => r.text.includes(text))).toBe(true);
    }
    const after = await send(ip);
    expect(after.status).toBe(429);
    expect(after.text).toContain('Too many requests from your address');
    expect(answered).toContain((await send('198.51.100.99')).status);
  });
});
