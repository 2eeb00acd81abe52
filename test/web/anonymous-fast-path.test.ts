import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

describe('anonymous reads skip the session machinery', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves public module pages without creating or touching a session', async () => {
    const before = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM sessions');
    const page = await request(t.app).get('/tracks/civic-tech-host/people-first');
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.text).toContain('Sign in');
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM sessions')).toEqual(before);
  });

  it('still recognises signed-in readers on the same pages', async () => {
    const reader = await createUser(t.dataSource.manager, { displayName: 'Rita Reader' });
    const page = await (await signedInAgent(t.app, reader.email)).get('/tracks/civic-tech-host/people-first');
    expect(page.text).toContain('Rita Reader');
    expect(page.text).toContain('Mark as read');
  });
});
