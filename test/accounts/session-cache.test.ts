import type { Pool, QueryConfig } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { User } from '../../src/accounts/user.entity';
import { ModuleRead } from '../../src/curriculum/progress.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MODULE_PAGE = '/tracks/civic-tech-host/people-first';

/**
 * In production each process keeps the sessions it read, with their person, and each reader's
 * reading record, in memory (SharedCache). These tests turn that on and check it never serves
 * something stale: changes made elsewhere (here: straight in the database, as another app process
 * would) arrive by the database's change notice, naming the session or person; this process's own
 * writes apply before its response.
 */
describe('sessions and reading records kept in memory', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    t.app.enable('view cache');
  });
  afterAll(() => t.close());

  /** GETs `path` until `done` holds for the response (the notice may take a few ms), or 5 s pass. */
  async function until(agent: Agent, path: string, done: (r: { status: number; text: string }) => boolean) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const response = await agent.get(path);
      if (done(response) || Date.now() > deadline) return response;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The names of the prepared statements the app runs while `action` runs. */
  async function statementsDuring(action: () => Promise<unknown>): Promise<string[]> {
    const pool = (t.dataSource.driver as PostgresDriver).master as Pool;
    const spy = jest.spyOn(pool, 'query');
    try {
      await action();
      return spy.mock.calls.map(([query]) =>
        typeof query === 'string' ? 'unnamed' : ((query as QueryConfig).name ?? 'unnamed'),
      );
    } finally {
      spy.mockRestore();
    }
  }

  it('reads a signed-in page from memory once the session and reading record are known', async () => {
    const user = await createUser(db());
    const agent = await signedInAgent(t.app, user.email);
    const first = await statementsDuring(() => agent.get(MODULE_PAGE));
    expect(first).toEqual(expect.arrayContaining(['session-with-user', 'progress-reading-record']));
    // The first pages after signing in write the session (the welcome message is shown once), and
    // the change notice of that write may still be on its way: within a few requests, none remain.
    let again = first;
    for (let i = 0; i < 10 && again.length; i += 1)
      again = await statementsDuring(() => agent.get(MODULE_PAGE));
    expect(again).toEqual([]);
    expect((await agent.get(MODULE_PAGE)).text).toContain('Mark as read');
  });

  const sessionCount = async (userId: string) =>
    (
      await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM sessions WHERE sess #>> '{passport,user}' = $1`,
        [userId],
      )
    )[0].n;

  it('signs a person out everywhere once another process ends their session', async () => {
    const user = await createUser(db());
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get('/me')).status).toBe(200);
    expect((await agent.get('/me')).status).toBe(200);
    await t.dataSource.query(`DELETE FROM sessions WHERE sess #>> '{passport,user}' = $1`, [user.id]);
    const after = await until(agent, '/me', (r) => r.status !== 200);
    expect(after.status).toBe(303);
  });

  it('applies a deactivation or a new name made by another process', async () => {
    const renamed = await createUser(db(), { displayName: 'Before Rename' });
    const leaving = await createUser(db());
    const renamedAgent = await signedInAgent(t.app, renamed.email);
    const leavingAgent = await signedInAgent(t.app, leaving.email);
    expect((await renamedAgent.get('/me')).text).toContain('Before Rename');
    expect((await leavingAgent.get('/me')).status).toBe(200);

    await db().update(User, renamed.id, { displayName: 'After Rename' });
    await db().update(User, leaving.id, { active: false });
    const page = await until(renamedAgent, '/me', (r) => r.text.includes('After Rename'));
    expect(page.text).toContain('After Rename');
    expect((await until(leavingAgent, '/me', (r) => r.status !== 200)).status).toBe(303);
  });

  it("shows this process's own session writes on the very next request", async () => {
    const user = await createUser(db());
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get(MODULE_PAGE)).text).toContain('Mark as read');
    // The flash message is written to the session, the read to module_reads: both show at once.
    const marked = await postForm(agent, `${MODULE_PAGE}/read`);
    expect(marked.status).toBe(303);
    const page = await agent.get(MODULE_PAGE);
    expect(page.text).toContain('Marked “');
    expect(page.text).toContain('You marked this module as read');
    expect((await agent.get(MODULE_PAGE)).text).not.toContain('Marked “');
    // Signing out here ends the session in this process at once.
    await postForm(agent, '/logout');
    expect((await agent.get('/me')).status).toBe(303);
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('shows a read recorded by another process once the database announces it', async () => {
    const user = await createUser(db());
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get(MODULE_PAGE)).text).toContain('Mark as read');
    expect((await agent.get(MODULE_PAGE)).text).toContain('Mark as read');
    await db().insert(ModuleRead, { userId: user.id, moduleId: 'people-first' });
    const page = await until(agent, MODULE_PAGE, (r) => r.text.includes('You marked this module as read'));
    expect(page.text).toContain('You marked this module as read');
    expect(page.text).not.toContain('Mark as read');
  });
  describe('module pages rendered once per role and reading state', () => {
    it("puts each reader's own name and CSRF token into the shared page, escaped", async () => {
      const ada = await createUser(db(), { displayName: 'Ada <script>alert(1)</script>' });
      const bo = await createUser(db(), { displayName: 'Bo & Co' });
      const adaAgent = await signedInAgent(t.app, ada.email);
      const boAgent = await signedInAgent(t.app, bo.email);
      for (let i = 0; i < 2; i += 1) {
        const adaPage = (await adaAgent.get(MODULE_PAGE)).text;
        const boPage = (await boAgent.get(MODULE_PAGE)).text;
        expect(adaPage).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt;');
        expect(adaPage).not.toContain('<script>alert(1)');
        expect(adaPage).not.toContain('Bo &amp; Co');
        expect(boPage).toContain('Bo &amp; Co');
        expect(boPage).not.toContain('Ada');
        expect(adaPage).not.toMatch(/oa-slot-/);
        const tokens = (html: string) =>
          new Set([...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
        expect(tokens(adaPage).size).toBe(1);
        expect(tokens(boPage).size).toBe(1);
        expect([...tokens(adaPage)][0]).not.toBe([...tokens(boPage)][0]);
      }
      // The token in the cached page is the reader's own: the form it sits in works.
      const page = (await adaAgent.get(MODULE_PAGE)).text;
      const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];
      const marked = await adaAgent.post(`${MODULE_PAGE}/read`).type('form').send({ _csrf: token });
      expect(marked.status).toBe(303);
      expect((await adaAgent.get(MODULE_PAGE)).text).toContain('You marked this module as read on');
    });

    it('shows each role its own navigation and each reader their own progress', async () => {
      const coach = await createUser(db(), { role: 'coach', displayName: 'Coach Cached' });
      const reader = await createUser(db(), { displayName: 'Reader Cached' });
      const fresh = await createUser(db(), { displayName: 'Fresh Cached' });
      await db().insert(ModuleRead, { userId: reader.id, moduleId: 'people-first' });
      const coachPage = (await (await signedInAgent(t.app, coach.email)).get(MODULE_PAGE)).text;
      const readerPage = (await (await signedInAgent(t.app, reader.email)).get(MODULE_PAGE)).text;
      const freshPage = (await (await signedInAgent(t.app, fresh.email)).get(MODULE_PAGE)).text;
      expect(coachPage).toContain('href="/coach"');
      expect(readerPage).not.toContain('href="/coach"');
      expect(readerPage).toContain('href="/me"');
      expect(readerPage).toContain('You marked this module as read on');
      expect(freshPage).toContain('Mark as read');
      expect(freshPage).not.toContain('You marked this module as read');
    });
  });
});
