import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { hashPassword, passwordHashLoad } from '../../src/accounts/passwords';
import { User } from '../../src/accounts/user.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { anonymousAgent, csrfFrom, postForm, signIn, signedInAgent } from '../helpers/http';

function sessionCookie(response: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return cookies.find(
    (cookie) => cookie.startsWith('academy.sid=') || cookie.startsWith('__Host-academy.sid='),
  );
}

async function sessionRows(t: TestApp, userId: string): Promise<number> {
  const rows = await t.dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM sessions WHERE sess #>> '{passport,user}' = $1`,
    [userId],
  );
  return rows[0].n;
}

describe('signing in and out', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('signs in with the right password, case-insensitively by email, and stores the session in PostgreSQL', async () => {
    const user = await createUser(t.dataSource.manager, { email: 'grace@example.org' });
    const agent = anonymousAgent(t.app);
    const response = await signIn(agent, 'Grace@Example.ORG');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(await sessionRows(t, user.id)).toBe(1);
    const home = await agent.get('/account');
    expect(home.status).toBe(200);
    expect(home.text).toContain('grace@example.org');
    expect((await t.dataSource.manager.findOneByOrFail(User, { id: user.id })).lastLoginAt).not.toBeNull();
  });

  it('gives a new session id on sign-in (no session fixation)', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = anonymousAgent(t.app);
    const before = sessionCookie(await agent.get('/password/forgot'));
    const after = sessionCookie(await signIn(agent, user.email));
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after!.split(';')[0]).not.toBe(before!.split(';')[0]);
  });

  it('sets an HttpOnly, SameSite=Lax cookie with an idle expiry', async () => {
    const user = await createUser(t.dataSource.manager);
    const cookie = sessionCookie(await signIn(anonymousAgent(t.app), user.email))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Expires=/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('moves the idle expiry forward about once a minute while the person is active, not on every request', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    await agent.get('/me');
    expect(sessionCookie(await agent.get('/me'))).toBeUndefined();
    const stored = async () =>
      (
        await t.dataSource.query<{ expires: number }[]>(
          `SELECT (extract(epoch FROM expire::timestamptz) * 1000)::float8 AS expires FROM sessions
            WHERE sess #>> '{passport,user}' = $1`,
          [user.id],
        )
      )[0].expires;
    // As if the cookie had been issued two minutes ago.
    const issued = new Date(Date.now() + t.config.sessionIdleMs - 2 * 60_000);
    await t.dataSource.query(
      `UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{cookie,expires}', to_jsonb($2::text))::json,
                           expire = to_timestamp($3::float8 / 1000)
        WHERE sess #>> '{passport,user}' = $1`,
      [user.id, issued.toISOString(), issued.getTime()],
    );
    const renewed = await agent.get('/me');
    expect(renewed.status).toBe(200);
    const expires = Date.parse(/Expires=([^;]+)/.exec(sessionCookie(renewed) ?? '')?.[1] ?? '');
    expect(expires).toBeGreaterThan(issued.getTime() + 90_000);
    expect(await stored()).toBeGreaterThan(issued.getTime() + 90_000);
    expect(sessionCookie(await agent.get('/me'))).toBeUndefined();
  });

  it('answers a wrong password and an unknown account with the same message and status', async () => {
    const user = await createUser(t.dataSource.manager);
    const wrong = await signIn(anonymousAgent(t.app), user.email, 'not the right password');
    const unknown = await signIn(anonymousAgent(t.app), 'nobody-here@example.org', 'not the right password');
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.text).toContain('The email or password is incorrect.');
    expect(unknown.text).toContain('The email or password is incorrect.');
    expect(wrong.text).toContain(`value="${user.email}"`);
    expect(wrong.text).not.toContain('not the right password');
  });

  it('refuses deactivated accounts with the same message', async () => {
    const user = await createUser(t.dataSource.manager, { active: false });
    const response = await signIn(anonymousAgent(t.app), user.email);
    expect(response.status).toBe(400);
    expect(response.text).toContain('The email or password is incorrect.');
  });

  it('refuses a missing or malformed email with a field message', async () => {
    const agent = anonymousAgent(t.app);
    const missing = await postForm(agent, '/login', { password: 'whatever' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter an email address.');
    const array = await postForm(agent, '/login', {
      email: ['a@example.org', 'b@example.org'],
      password: 'x',
    });
    expect(array.status).toBe(400);
  });

  it('only redirects to local paths after sign-in', async () => {
    const user = await createUser(t.dataSource.manager);
    for (const [next, expected] of [
      ['/account', '/account'],
      ['https://evil.example/steal', '/'],
      ['//evil.example', '/'],
      ['/\\evil.example', '/'],
    ]) {
      const response = await postForm(anonymousAgent(t.app), '/login', {
        email: user.email,
        password: TEST_PASSWORD,
        next,
      });
      expect(response.headers.location).toBe(expected);
    }
  });

  it('destroys the session server-side on sign-out, so the old cookie no longer works', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const cookieBefore = (await agent.get('/account')).request.cookies;
    expect(await sessionRows(t, user.id)).toBe(1);
    const out = await postForm(agent, '/logout');
    expect(out.status).toBe(303);
    expect(await sessionRows(t, user.id)).toBe(0);
    const replay = await request(t.app).get('/account').set('Cookie', cookieBefore);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login?next=%2Faccount');
    expect((await agent.get(out.headers.location)).text).toContain('You are signed out.');
  });

  it('ends a session once it is older than the absolute lifetime, however active', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    await t.dataSource.query(
      `UPDATE sessions SET sess = jsonb_set(sess, '{signedInAt}', to_jsonb(0)) WHERE sess #>> '{passport,user}' = $1`,
      [user.id],
    );
    const response = await agent.get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.location).toContain('/login');
    expect(await sessionRows(t, user.id)).toBe(0);
  });

  it('applies role changes on the next request (the person is re-read every time)', async () => {
    const user = await createUser(t.dataSource.manager, { role: 'organizer' });
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get('/admin/people')).status).toBe(403);
    await t.dataSource.manager.update(User, user.id, { role: 'admin' });
    expect((await agent.get('/admin/people')).status).toBe(200);
  });

  it('signs a session out on its next request once its person is deactivated, even with the session row kept', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get('/me')).status).toBe(200);
    await t.dataSource.manager.update(User, user.id, { active: false });
    const after = await agent.get('/me');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
  });

  it('treats a session whose stored person id is not a uuid as signed out, without an error', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    await t.dataSource.query(
      `UPDATE sessions SET sess = jsonb_set(sess::jsonb, '{passport,user}', '"not-a-uuid"')::json
        WHERE sess #>> '{passport,user}' = $1`,
      [user.id],
    );
    const after = await agent.get('/me');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
  });

  it('drops a sign-in whose person hung up while it waited for a hashing slot: no check, no session', async () => {
    const user = await createUser(t.dataSource.manager);
    const server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const form = await request(t.app).get('/password/forgot');
      const cookie = sessionCookie(form)!.split(';')[0];
      const body = new URLSearchParams({
        email: user.email,
        password: TEST_PASSWORD,
        _csrf: csrfFrom(form.text),
      }).toString();

      // Keep the one hashing slot busy (PASSWORD_HASH_CONCURRENCY is 1 in tests) with hashes of our own.
      let ownFinished = 0;
      const own = Array.from({ length: 12 }, (_, i) =>
        hashPassword(`occupying the slot ${i}`).then(() => (ownFinished += 1)),
      );
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      // Ours run first (one at a time); the sign-in is queued once one more than ours waits.
      const signInQueued = () => passwordHashLoad().waiting > own.length - ownFinished - 1;
      while (!signInQueued()) {
        expect(ownFinished).toBeLessThan(own.length);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      socket.destroy();
      await Promise.all(own);
      expect(passwordHashLoad()).toEqual({ running: 0, waiting: 0 });
      expect((await t.dataSource.manager.findOneByOrFail(User, { id: user.id })).lastLoginAt).toBeNull();
      expect(await sessionRows(t, user.id)).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('session cookies behind HTTPS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { BASE_URL: 'https://academy.example.org', TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  it('uses a Secure __Host- cookie when the public URL is HTTPS behind a trusted proxy', async () => {
    const response = await request(t.app).get('/login').set('X-Forwarded-Proto', 'https');
    const cookie = sessionCookie(response);
    expect(cookie).toMatch(/^__Host-academy\.sid=/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/);
  });
});
