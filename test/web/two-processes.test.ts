import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { csrfFrom, signedInAgent } from '../helpers/http';

/**
 * Two app instances with their own pools and throttles on one database, as two server processes
 * behind a load balancer would be: everything shared must live in PostgreSQL.
 */
describe('two app processes on one database', () => {
  let first: TestApp;
  let second: TestApp;
  const limits = { perAccountAndIp: 2, perIp: 100, windowSeconds: 600, blockSeconds: 600 };

  beforeAll(async () => {
    first = await startTestApp({ throttleLimits: limits });
    second = await startTestApp({ databaseName: first.databaseName, throttleLimits: limits });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('share sessions: a sign-in on one is valid on the other, and sign-out on the other ends it', async () => {
    const user = await createUser(first.dataSource.manager);
    const agentOnFirst = await signedInAgent(first.app, user.email);
    const cookies = (await agentOnFirst.get('/account')).request.cookies;
    const onSecond = await request(second.app).get('/account').set('Cookie', cookies);
    expect(onSecond.status).toBe(200);
    expect(onSecond.text).toContain(user.email);

    const token = csrfFrom((await request(second.app).get('/account').set('Cookie', cookies)).text);
    await request(second.app).post('/logout').set('Cookie', cookies).type('form').send({ _csrf: token });
    expect((await agentOnFirst.get('/account')).status).toBe(303);
  });

  it('share throttling: failures on one process count on the other', async () => {
    const user = await createUser(first.dataSource.manager);
    const tryOn = async (t: TestApp, password: string) => {
      const agent = request.agent(t.app);
      const page = await agent.get('/login');
      return agent
        .post('/login')
        .type('form')
        .send({ email: user.email, password, _csrf: csrfFrom(page.text) });
    };
    expect((await tryOn(first, 'wrong password one')).status).toBe(400);
    expect((await tryOn(second, 'wrong password two')).status).toBe(400);
    expect((await tryOn(first, TEST_PASSWORD)).status).toBe(429);
    expect((await tryOn(second, TEST_PASSWORD)).status).toBe(429);
  });

  it('share data: a user created through one is visible to the other', async () => {
    const user = await createUser(second.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(first.app, user.email);
    const list = await agent.get(`/admin/people?q=${encodeURIComponent(user.email)}`);
    expect(list.text).toContain(user.displayName);
  });
});
