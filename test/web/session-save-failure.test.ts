import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, csrfFrom, postForm, signIn } from '../helpers/http';

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/**
 * The session layer saves a changed session as the page ends; here PostgreSQL refuses that save
 * (a trigger raising what a shutting-down server says), as it does while the database is stopping.
 * (Under express-session the failure arrived after the page went out, and Express dropped the connection.)
 */
describe('when the session cannot be saved as the page ends', () => {
  let t: TestApp;
  let server: http.Server;
  let keepAlive: http.Agent;
  let adminId: string;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestApp();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  beforeEach(async () => {
    keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    adminId = admin.id;
    const agent = anonymousAgent(t.app);
    const signedIn = await signIn(agent, admin.email);
    cookie = ([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
    expect(cookie).toMatch(/^academy\.sid=/);
    // A flash message is saved before the redirect; the next page shows it, which changes the session.
    expect((await postForm(agent, '/admin/chapters', { name: `Chapter ${adminId}` })).status).toBe(303);
    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_session_updates() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the database system is shutting down' USING ERRCODE = 'admin_shutdown'; END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER refuse_session_updates BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_session_updates()',
    );
  });
  afterEach(async () => {
    keepAlive.destroy();
    await t.dataSource.query('DROP TRIGGER IF EXISTS refuse_session_updates ON sessions');
  });

  const get = (path: string) =>
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

  async function expectConnectionKeptAndMessageStillWaiting() {
    // The next request travels on the same connection: it was not dropped after the failed save.
    // (A dropped connection closes a moment after the page arrives; give it that moment.)
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await get('/healthz');
    expect(next.status).toBe(200);
    expect(next.reusedSocket).toBe(true);
    // Nothing was saved, so the message waits for the next page.
    const rows: { sess: { flash?: unknown[] } }[] = await t.dataSource.query(
      `SELECT sess FROM sessions WHERE sess #>> '{passport,user}' = $1`,
      [adminId],
    );
    expect(rows.map((row) => row.sess.flash?.length)).toEqual([1]);
  }

  it('delivers the whole page and keeps the connection open', async () => {
    const page = await get('/admin/chapters');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Chapter “Chapter ${adminId}” added.`);
    expect(page.body).toMatch(/<\/html>\s*$/);
    await expectConnectionKeptAndMessageStillWaiting();
  });

  it('delivers a whole error page too, after the error handler has already answered', async () => {
    const page = await get('/no-such-page');
    expect(page.status).toBe(404);
    expect(page.body).toContain(`Chapter “Chapter ${adminId}” added.`);
    expect(page.body).toMatch(/<\/html>\s*$/);
    await expectConnectionKeptAndMessageStillWaiting();
  });

  it('answers a committed write with its redirect, not "try again", when only its message cannot be stored', async () => {
    const agent = anonymousAgent(t.app);
    agent.jar.setCookie(`${cookie}; Path=/`);
    const name = `Committed ${adminId}`;
    const token = csrfFrom((await agent.get('/admin/chapters')).text);
    const response = await agent.post('/admin/chapters').type('form').send({ name, _csrf: token });
    expect(response.status).toBe(303);
    const [row] = await t.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM chapters WHERE name = $1',
      [name],
    );
    expect(Number(row.n)).toBe(1);
  });
});
