import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { csrfFrom } from '../helpers/http';

const limits = { perAccountAndIp: 3, perIp: 6, windowSeconds: 600, blockSeconds: 600 };

/** One sign-in attempt from a given client address (the app trusts one proxy hop here). */
async function attempt(t: TestApp, email: string, password: string, ip: string) {
  const agent = request.agent(t.app);
  const page = await agent.get('/login').set('X-Forwarded-For', ip);
  return agent
    .post('/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
}

describe('login throttling', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '1' }, throttleLimits: limits });
  });
  afterEach(() => t.close());

  it('blocks an account from one address after consecutive failures, with a retry time, even for the right password', async () => {
    const user = await createUser(t.dataSource.manager);
    for (let i = 0; i < limits.perAccountAndIp; i += 1) {
      expect((await attempt(t, user.email, 'wrong password here', '203.0.113.5')).status).toBe(400);
    }
    const blocked = await attempt(t, user.email, TEST_PASSWORD, '203.0.113.5');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-in attempts. Please wait 10 minutes');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(500);
    const stored = await t.dataSource.query<{ key: string }[]>(`SELECT key FROM login_throttle`);
    expect(stored.map((row) => row.key)).toEqual(
      expect.arrayContaining([expect.stringContaining(user.email), expect.stringContaining('203.0.113.5')]),
    );
  });

  it('still lets the same account in from another address', async () => {
    const user = await createUser(t.dataSource.manager);
    for (let i = 0; i < limits.perAccountAndIp; i += 1)
      await attempt(t, user.email, 'wrong password here', '203.0.113.5');
    expect((await attempt(t, user.email, TEST_PASSWORD, '198.51.100.7')).status).toBe(303);
  });

  it('counts failures per address across accounts, including accounts that do not exist', async () => {
    const user = await createUser(t.dataSource.manager);
    for (let i = 0; i < limits.perIp; i += 1) {
      expect((await attempt(t, `ghost${i}@example.org`, 'wrong password here', '192.0.2.9')).status).toBe(
        400,
      );
    }
    expect((await attempt(t, user.email, TEST_PASSWORD, '192.0.2.9')).status).toBe(429);
  });

  it('resets the consecutive count after a successful sign-in', async () => {
    const user = await createUser(t.dataSource.manager);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < limits.perAccountAndIp - 1; i += 1)
        await attempt(t, user.email, 'wrong password here', '203.0.113.8');
      expect((await attempt(t, user.email, TEST_PASSWORD, '203.0.113.8')).status).toBe(303);
    }
  });

  it('says the same for blocked unknown accounts as for blocked real ones', async () => {
    for (let i = 0; i < limits.perAccountAndIp; i += 1)
      await attempt(t, 'nobody@example.org', 'wrong password here', '203.0.113.9');
    const blocked = await attempt(t, 'nobody@example.org', 'wrong password here', '203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
  });
});
