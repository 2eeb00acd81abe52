import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signIn } from '../helpers/http';

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/** express-session saves a changed session only as the page ends; PostgreSQL refuses that save here. */
describe('when the session cannot be saved after the page went out', () => {
  let t: TestApp;
  let server: http.Server;
  let keepAlive: http.Agent;

  beforeAll(async () => {
    t = await startTestApp();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterAll(async () => {
    keepAlive.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.dataSource.query('DROP TRIGGER IF EXISTS refuse_session_updates ON sessions');
    await t.close();
  });

  const get = (path: string, cookie: string) =>
    new Promise<Answer>((resolve, reject) => {
      const { port } = server.address() as AddressInfo;
      const req = http.get(
        { host: '127.0.0.1', port, path, agent: keepAlive, headers: { cookie } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body, reusedSocket: req.reusedSocket }));
        },
      );
      req.on('error', reject);
    });

  it('still delivers the whole page and keeps the connection open', async () => {
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = anonymousAgent(t.app);
    const signedIn = await signIn(agent, admin.email);
    const cookie = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^academy\.sid=/);
    // A flash message is saved before the redirect; showing it on the next page changes the session.
    const added = await postForm(agent, '/admin/chapters', { name: 'Open Oakland' });
    expect(added.status).toBe(303);

    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_session_updates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the database is shutting down' USING ERRCODE = 'admin_shutdown'; END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER refuse_session_updates BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_session_updates()',
    );

    const page = await get('/admin/chapters', cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Chapter “Open Oakland” added.');
    expect(page.body).toMatch(/<\/html>\s*$/);

    // The next request travels on the same connection: it was not dropped after the failed save.
    const next = await get('/healthz', cookie);
    expect(next.status).toBe(200);
    expect(next.reusedSocket).toBe(true);
    // Nothing was saved, so the message is still waiting for the next page.
    const rows: { sess: { flash?: unknown[] } }[] = await t.dataSource.query(
      `SELECT sess FROM sessions WHERE sess #>> '{passport,user}' = $1`,
      [admin.id],
    );
    expect(rows.map((row) => row.sess.flash?.length)).toEqual([1]);
  });
});
