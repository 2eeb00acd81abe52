import type { DataSource } from 'typeorm';
import { pathFor, startWorld, type Session, type World } from './support/app-world';
import { multipartBody } from './support/encoding';
import type { WebResponse } from './support/web-client';

/**
 * Deliberately exempt: checking a credential changes nothing, so partners need neither a session nor
 * a token; a digest's one-click unsubscribe (RFC 8058) is posted by mail apps, and its signed token
 * is the proof (an unknown token changes nothing and gets 404).
 */
const EXEMPT = new Set(['POST /verify', 'POST /notifications/unsubscribe/:token']);
/** Tables whose rows change on every request (session expiry is rolled forward). */
const VOLATILE_TABLES = new Set(['sessions']);
/** Fields a real form would send: enough for most handlers to act if the token check let them. */
const PLAUSIBLE_FIELDS: Record<string, string> = {
  email: 'csrf-victim@example.org',
  name: 'CSRF chapter',
  title: 'CSRF workshop',
  reason: 'csrf',
  role: 'admin',
  decision: 'approved',
  revision: '1',
  hidden: 'true',
  trackId: 'civic-tech-organizer',
  message: 'csrf',
  body: 'csrf',
};

/** A fingerprint of every row of every table, so any write the attack caused shows up. */
async function databaseFingerprint(dataSource: DataSource): Promise<Record<string, string>> {
  const tables = await dataSource.query<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const fingerprint: Record<string, string> = {};
  for (const { tablename } of tables) {
    if (VOLATILE_TABLES.has(tablename)) continue;
    // A refused request is itself recorded (a security event in the audit log); nothing else may change.
    const onlyChanges = tablename === 'audit_events' ? ` WHERE t.action NOT LIKE 'security.%'` : '';
    const [{ hash }] = await dataSource.query<{ hash: string }[]>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM "${tablename}" t${onlyChanges}`,
    );
    fingerprint[tablename] = hash;
  }
  return fingerprint;
}

describe('CSRF: every state-changing route refuses a request without its own session token', () => {
  let world: World;
  let stranger: Session;

  beforeAll(async () => {
    world = await startWorld();
    stranger = await world.freshSession();
  });
  afterAll(() => world?.close());

  it('answers 403 to a missing, a foreign and a forged token, for every POST route and role, and writes nothing', async () => {
    const posts = world.routes.filter((route) => route.startsWith('POST ') && !EXEMPT.has(route));
    expect(posts.length).toBeGreaterThan(40);
    const before = await databaseFingerprint(world.running.t.dataSource);
    const wrong: string[] = [];
    // Admins may use every route, so only the token can stop them: the answer must be the CSRF one.
    // Others may be turned away by the route's access rule first (403, or 401 when signed out).
    const check = (route: string, who: string, what: string, response: WebResponse) => {
      const refused =
        who === 'admin'
          ? response.status === 403 && /expired|came from another site/.test(response.text)
          : response.status === 403 || (who === 'anonymous' && response.status === 401);
      if (!refused) wrong.push(`${route} as ${who}, ${what}: ${response.status}`);
    };

    for (const route of posts) {
      const path = pathFor(route.slice('POST '.length), world.ids);
      for (const who of ['anonymous', 'organizer', 'coach', 'admin'] as const) {
        const { client } = world.sessions[who];
        const other = who === 'admin' ? world.sessions.organizer : world.sessions.admin;
        check(route, who, 'no token', await client.request('POST', path, { form: PLAUSIBLE_FIELDS }));
        check(
          route,
          who,
          "a signed-in user's token from another session",
          await client.request('POST', path, { form: { ...PLAUSIBLE_FIELDS, _csrf: other.token } }),
        );
        check(
          route,
          who,
          "an anonymous session's token in the header",
          await client.request('POST', path, {
            form: PLAUSIBLE_FIELDS,
            headers: { 'x-csrf-token': stranger.token },
          }),
        );
        check(
          route,
          who,
          'a forged token',
          await client.request('POST', path, {
            form: { ...PLAUSIBLE_FIELDS, _csrf: `${world.sessions[who].token}x` },
          }),
        );
        // Few fields, so upload limits (e.g. 10 fields on the bulk invite form) are not what refuses it.
        const multipart = multipartBody([
          ['email', PLAUSIBLE_FIELDS.email],
          ['csv', `email\n${PLAUSIBLE_FIELDS.email}`],
          ['_csrf', other.token],
        ]);
        check(
          route,
          who,
          "a multipart form with another session's token",
          await client.request('POST', path, {
            body: multipart.body,
            headers: { 'content-type': multipart.type },
          }),
        );
        check(
          route,
          who,
          'a JSON body (what a cross-site fetch could send)',
          await client.request('POST', path, {
            body: JSON.stringify({ ...PLAUSIBLE_FIELDS, _csrf: other.token }),
            headers: { 'content-type': 'application/json', accept: 'application/json' },
          }),
        );
      }
    }

    expect(wrong).toEqual([]);
    expect(await databaseFingerprint(world.running.t.dataSource)).toEqual(before);
    // Signing out needed a token too: every session is still signed in.
    for (const who of ['organizer', 'coach', 'admin'] as const)
      expect((await world.sessions[who].client.get('/account')).status).toBe(200);
  });

  it('lets the exempt verifier work without a session or token, and it stores nothing', async () => {
    // The status list is signed the first time anyone asks for it: do that first.
    expect((await stranger.client.get('/status/1')).status).toBe(200);
    const before = await databaseFingerprint(world.running.t.dataSource);
    const response = await stranger.client.request('POST', '/verify', {
      form: { credential: JSON.stringify(world.certificate.credential) },
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain('Verified');
    const after = await databaseFingerprint(world.running.t.dataSource);
    // Views are counted in memory and written later; nothing else may change.
    expect(after).toEqual(before);
  });

  it('accepts the same requests with the session’s own token (the 403s above were the token’s doing)', async () => {
    const { client, token } = world.sessions.admin;
    const response = await client.request('POST', '/account/calendar-feed', { form: { _csrf: token } });
    expect(response.status).toBe(303);
    const header = await client.request('POST', '/account/calendar-feed/revoke', {
      headers: { 'x-csrf-token': token },
    });
    expect(header.status).toBe(303);
  });
});
