import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import type { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { readSignedSessionId, signedSessionId } from '../../src/web/session-cookie';
import { createSessionMiddleware, type SessionSetup } from '../../src/web/session';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from '../helpers/database';

const SECRET = 'session-layer-test-secret-0123456789abcdef';
const IDLE_MS = 30 * 60_000;

type Bag = Record<string, unknown>;

/** A small app on the real session layer and PostgreSQL store, with routes that use the session as the app's do. */
function sessionApp(sessions: SessionSetup) {
  const app = express();
  app.set('trust proxy', 1);
  app.use(sessions.middleware);
  const bag = (req: express.Request) => req.session as unknown as Bag;
  app.get('/look', (req, res) => res.json({ id: req.sessionID, note: bag(req).note ?? null }));
  app.get('/put', (req, res) => {
    bag(req).note = typeof req.query.note === 'string' ? req.query.note : 'hello';
    res.json({ id: req.sessionID });
  });
  app.get('/stream', (req, res) => {
    bag(req).note = 'streamed';
    res.type('text').write('first part, ');
    setTimeout(() => res.end('last part'), 20);
  });
  app.get('/regenerate', (req, res, next) =>
    req.session.regenerate((error) => {
      if (error) return next(error);
      bag(req).note = 'after regenerate';
      res.json({ id: req.sessionID });
    }),
  );
  app.get('/destroy', (req, res, next) =>
    req.session.destroy((error) => (error ? next(error) : res.json({ destroyed: true }))),
  );
  return app;
}

const cookieOf = (response: request.Response): string | undefined =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('academy.sid='));
const pair = (setCookie: string | undefined) => setCookie!.split(';')[0];

describe('the session layer', () => {
  let databaseName: string;
  let dataSource: DataSource;
  let pool: Pool;
  let sessions: SessionSetup;
  let app: express.Express;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });

  beforeAll(async () => {
    databaseName = await createTestDatabase();
    dataSource = await connectTestDatabase(databaseName, 3);
    pool = (dataSource.driver as PostgresDriver).master as Pool;
    sessions = createSessionMiddleware(
      { sessionSecret: SECRET, secureCookies: false, sessionIdleMs: IDLE_MS },
      pool,
      { pruneIntervalSeconds: false, logger },
    );
    app = sessionApp(sessions);
  });
  afterAll(async () => {
    sessions.close();
    await dataSource.destroy();
    await dropTestDatabase(databaseName);
  });
  beforeEach(() => void (warnings.length = 0));

  const rows = async () =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions')).rows[0].n;
  const stored = async (id: string) =>
    (await pool.query<{ sess: Bag }>('SELECT sess FROM sessions WHERE sid = $1', [id])).rows[0]?.sess;

  it('stores nothing and sets no cookie for a visit that puts nothing in the session', async () => {
    const before = await rows();
    const response = await request(app).get('/look');
    expect(response.status).toBe(200);
    expect(cookieOf(response)).toBeUndefined();
    expect(await rows()).toBe(before);
  });

  it('stores a changed session before the response ends and sends a signed, HttpOnly cookie with the idle expiry', async () => {
    const response = await request(app).get('/put?note=first');
    const cookie = cookieOf(response);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie!)![1]);
    expect(Math.abs(expires - (Date.now() + IDLE_MS))).toBeLessThan(60_000);
    const id = (response.body as { id: string }).id;
    expect(readSignedSessionId(pair(cookie), 'academy.sid', SECRET)).toBe(id);
    expect(readSignedSessionId(pair(cookie), 'academy.sid', 'another secret')).toBeUndefined();
    expect((await stored(id))?.note).toBe('first');
  });

  it('reads the session on the next request, and neither writes it nor re-sends the cookie while it is unchanged', async () => {
    const cookie = pair(cookieOf(await request(app).get('/put?note=kept')));
    const id = readSignedSessionId(cookie, 'academy.sid', SECRET)!;
    await pool.query(`UPDATE sessions SET expire = expire - interval '1 second' WHERE sid = $1`, [id]);
    const { rows: before } = await pool.query<{ expire: Date }>(
      'SELECT expire FROM sessions WHERE sid = $1',
      [id],
    );
    const response = await request(app).get('/look').set('Cookie', cookie);
    expect(response.body).toEqual({ id, note: 'kept' });
    expect(cookieOf(response)).toBeUndefined();
    const { rows: after } = await pool.query<{ expire: Date }>('SELECT expire FROM sessions WHERE sid = $1', [
      id,
    ]);
    expect(after[0].expire.getTime()).toBe(before[0].expire.getTime());
  });

  it('ignores a cookie with a forged signature or an unknown id and never adopts the offered id', async () => {
    const forged = `academy.sid=${encodeURIComponent(`s:attacker-chosen-id.${'A'.repeat(43)}`)}`;
    const unknown = `academy.sid=${encodeURIComponent(signedSessionId('no-such-session', SECRET))}`;
    for (const cookie of [forged, unknown, 'academy.sid=%E0%A4%A', 'academy.sid=unsigned-id']) {
      const response = await request(app).get('/put').set('Cookie', cookie);
      expect(response.status).toBe(200);
      const id = (response.body as { id: string }).id;
      expect(id).not.toMatch(/attacker-chosen-id|no-such-session|unsigned-id/);
      expect(readSignedSessionId(pair(cookieOf(response)), 'academy.sid', SECRET)).toBe(id);
    }
  });

  it('accepts the cookies express-session issued, so an upgrade signs no one out', async () => {
    // Its own store object on the same table: express-session installs its own generate() on the store it gets.
    const store = new (connectPgSimple(session))({
      pool,
      tableName: 'sessions',
      pruneSessionInterval: false,
    });
    const legacy = express();
    legacy.use(
      session({ store, secret: SECRET, name: 'academy.sid', resave: false, saveUninitialized: false }),
    );
    legacy.get('/put', (req, res) => {
      (req.session as unknown as Bag).note = 'from express-session';
      res.end();
    });
    const cookie = pair(cookieOf(await request(legacy).get('/put')));
    const response = await request(app).get('/look').set('Cookie', cookie);
    expect((response.body as { note: string }).note).toBe('from express-session');
  });

  it('gives a regenerated session a new id and cookie, and removes the old one', async () => {
    const cookie = pair(cookieOf(await request(app).get('/put?note=old')));
    const oldId = readSignedSessionId(cookie, 'academy.sid', SECRET)!;
    const response = await request(app).get('/regenerate').set('Cookie', cookie);
    const newId = (response.body as { id: string }).id;
    expect(newId).not.toBe(oldId);
    expect(readSignedSessionId(pair(cookieOf(response)), 'academy.sid', SECRET)).toBe(newId);
    expect(await stored(oldId)).toBeUndefined();
    expect((await stored(newId))?.note).toBe('after regenerate');
  });

  it('deletes a destroyed session and sends no cookie for it', async () => {
    const cookie = pair(cookieOf(await request(app).get('/put')));
    const id = readSignedSessionId(cookie, 'academy.sid', SECRET)!;
    const response = await request(app).get('/destroy').set('Cookie', cookie);
    expect(response.body).toEqual({ destroyed: true });
    expect(cookieOf(response)).toBeUndefined();
    expect(await stored(id)).toBeUndefined();
  });

  it('sets the cookie before a streamed response starts and stores the change as it ends', async () => {
    const response = await request(app).get('/stream');
    expect(response.text).toBe('first part, last part');
    const id = readSignedSessionId(pair(cookieOf(response)), 'academy.sid', SECRET)!;
    expect((await stored(id))?.note).toBe('streamed');
  });

  it('sends the page without the change, and says so in the log, when the store refuses the write', async () => {
    const cookie = pair(cookieOf(await request(app).get('/put?note=before')));
    const id = readSignedSessionId(cookie, 'academy.sid', SECRET)!;
    await pool.query(`
      CREATE OR REPLACE FUNCTION refuse_layer_writes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await pool.query(
      'CREATE TRIGGER refuse_layer_writes BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_layer_writes()',
    );
    try {
      const response = await request(app).get('/put?note=after').set('Cookie', cookie);
      expect(response.status).toBe(200);
      expect(cookieOf(response)).toBeUndefined();
      expect((await stored(id))?.note).toBe('before');
      expect(warnings.join('\n')).toContain('the session could not be saved');
    } finally {
      await pool.query('DROP TRIGGER refuse_layer_writes ON sessions');
    }
  });

  it('stores a session but sends no Secure cookie over plain HTTP', async () => {
    const secure = createSessionMiddleware(
      { sessionSecret: SECRET, secureCookies: true, sessionIdleMs: IDLE_MS },
      pool,
      { pruneIntervalSeconds: false, logger },
    );
    try {
      const secureApp = sessionApp(secure);
      const plain = await request(secureApp).get('/put?note=plain');
      expect(plain.headers['set-cookie']).toBeUndefined();
      expect((await stored((plain.body as { id: string }).id))?.note).toBe('plain');
      const https = await request(secureApp).get('/put').set('X-Forwarded-Proto', 'https');
      expect(String(https.headers['set-cookie'])).toMatch(/^__Host-academy\.sid=.*; Secure/);
    } finally {
      secure.close();
    }
  });
});

describe('reading the session cookie', () => {
  const value = encodeURIComponent(signedSessionId('abc', SECRET));
  it.each([
    [`academy.sid=${value}`],
    [`other=1; academy.sid=${value}; more=2`],
    [`  academy.sid = ${value} ;x=y`],
    [`academy.sid="${value}"`],
    [`academy.sid=${value}; academy.sid=${encodeURIComponent(signedSessionId('second', SECRET))}`],
  ])('finds the signed id in %s', (header) => {
    expect(readSignedSessionId(header, 'academy.sid', SECRET)).toBe('abc');
  });
  it.each([
    [undefined],
    [''],
    ['academy.sid='],
    ['xacademy.sid=' + value],
    ['academy.sid=%'],
    ['academy.sid'],
  ])('finds none in %s', (header) =>
    expect(readSignedSessionId(header, 'academy.sid', SECRET)).toBeUndefined(),
  );
});
