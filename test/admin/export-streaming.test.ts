import http from 'node:http';
import { parse } from 'csv-parse/sync';
import type { User } from '../../src/accounts/user.entity';
import { createChapter, createUser, TEST_PASSWORD } from '../helpers/factories';
import { startListeningApp, type RunningApp } from '../helpers/listening-app';

/** People rows of ~350 bytes each: a slow client reads this chapter's export to the end. */
const SMALL_CHAPTER_ROWS = 8_000;
/** Audit rows of ~20 KB: an export (~100 MB) larger than every socket buffer, so a stalled client blocks the server. */
const BIG_AUDIT_ROWS = 5_000;
const BIG_EXPORT = '/admin/audit.csv';
const STALL_SECONDS = 2;

interface Download {
  status: number;
  body: string;
  /** True when the response ended properly (the last chunk arrived), false when it was cut off. */
  complete: boolean;
}

jest.setTimeout(90_000);

describe('Streamed exports finish or fail loudly', () => {
  let running: RunningApp;
  let admin: User;
  let cookie: string;
  let chapterId: string;
  let bigExportRows: number;
  const db = () => running.t.dataSource.manager;

  /** Signs in over HTTP like a browser and keeps the session cookie. */
  async function signInCookie(email: string): Promise<string> {
    const form = await fetch(`${running.baseUrl}/login`);
    const jar = form.headers.getSetCookie().map((c) => c.split(';')[0]);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const login = await fetch(`${running.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password: TEST_PASSWORD, _csrf: csrf }).toString(),
    });
    expect(login.status).toBe(303);
    return login.headers.getSetCookie().map((c) => c.split(';')[0])[0] ?? jar[0];
  }

  /**
   * Downloads `path`, pausing `pauseMs` after every chunk (a slow client), or reading nothing after
   * the headers for `stallMs` (a stalled client) and then reading what is left.
   */
  function download(path: string, how: { pauseMs: number } | { stallMs: number }): Promise<Download> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${running.baseUrl}${path}`, { headers: { cookie }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        if ('stallMs' in how) {
          res.pause();
          setTimeout(() => res.resume(), how.stallMs);
        }
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if ('pauseMs' in how && how.pauseMs > 0) {
            res.pause();
            setTimeout(() => res.resume(), how.pauseMs);
          }
        });
        const finish = () =>
          resolve({
            status: res.statusCode!,
            body: Buffer.concat(chunks).toString('utf8'),
            complete: res.complete,
          });
        res.on('end', finish);
        res.on('error', finish);
        res.on('close', finish);
      });
      req.on('error', reject);
    });
  }

  beforeAll(async () => {
    running = await startListeningApp({
      EXPORT_STALL_SECONDS: String(STALL_SECONDS),
      EXPORT_CONNECTIONS: '2',
    });
    admin = await createUser(db(), { role: 'admin' });
    chapterId = (await createChapter(db())).id;
    await db().query(
      `INSERT INTO audit_events (action, subject_type, subject_id, details)
       SELECT 'test.stall', 'test', n::text, jsonb_build_object('note', repeat('z', 20000))
         FROM generate_series(1, $1) AS n`,
      [BIG_AUDIT_ROWS],
    );
    for (const [chapter, rows] of [[chapterId, SMALL_CHAPTER_ROWS]] as const)
      await db().query(
        `INSERT INTO users (email, display_name, password_hash, role, chapter_id)
       SELECT 'bulk-' || $1::text || n || '-' || repeat('x', 180) || '@example.org', 'Bulk person ' || n || ' ' || repeat('y', 80),
              'x', 'organizer', $1::uuid
         FROM generate_series(1, $2) AS n`,
        [chapter, rows],
      );
    cookie = await signInCookie(admin.email);
    // Counted after signing in: a sign-in is audited too.
    [{ n: bigExportRows }] = await db().query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_events');
  });
  afterAll(() => running.close());

  it('a client reading slowly receives every row the database has, and a proper end', async () => {
    const [{ count }] = await db().query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM users WHERE chapter_id = $1',
      [chapterId],
    );
    const slow = await download(`/admin/exports/people.csv?chapterId=${chapterId}`, { pauseMs: 5 });
    expect(slow.status).toBe(200);
    expect(slow.complete).toBe(true);
    const rows = parse<Record<string, string>>(slow.body.slice(1), { columns: true });
    expect(rows).toHaveLength(count);
    expect(count).toBe(SMALL_CHAPTER_ROWS);
  });

  it('a client that stops reading is cut off (no clean end) and its connection returns to the pool', async () => {
    const stalled = await download(BIG_EXPORT, {
      stallMs: STALL_SECONDS * 1000 + 2_000,
    });
    expect(stalled.status).toBe(200);
    expect(stalled.complete).toBe(false);
    // The cursor's connection was thrown away: no export query is left running in PostgreSQL.
    expect(await exportConnectionsAfter(2_000, 0)).toBe(0);
  });

  it('stalled downloads hold only the export share: other pages keep answering meanwhile', async () => {
    const path = BIG_EXPORT;
    const stalled = Array.from({ length: 10 }, () =>
      download(path, { stallMs: STALL_SECONDS * 1000 + 2_000 }),
    );
    let settled = 0;
    for (const d of stalled) void d.then(() => (settled += 1));
    expect(await exportConnectionsAfter(2_000, 2)).toBe(2);
    for (const page of ['/admin/people', '/admin/exports', '/admin']) {
      const response = await fetch(`${running.baseUrl}${page}`, { headers: { cookie } });
      expect(response.status).toBe(200);
    }
    // The pages were answered while the stalled downloads still held the whole export share.
    expect(settled).toBe(0);
    const results = await Promise.all(stalled);
    // Each was cut off after it stalled, or told to come back (queue full), or (its turn came after
    // it had started reading again) delivered in full: never a short file that ends cleanly.
    const outcome = (r: Download) =>
      r.status === 503
        ? 'busy'
        : !r.complete
          ? 'cut off'
          : rowsIn(r) === bigExportRows
            ? 'all rows'
            : `short: ${rowsIn(r)} of ${bigExportRows} rows, ${r.body.length} characters`;
    const outcomes = results.map(outcome);
    expect(outcomes.filter((o) => o.startsWith('short'))).toEqual([]);
    expect(outcomes.filter((o) => o === 'cut off').length).toBeGreaterThanOrEqual(2);
    expect(await exportConnectionsAfter(2_000, 0)).toBe(0);
  });

  const rowsIn = (d: Download) => parse<Record<string, string>>(d.body.slice(1), { columns: true }).length;

  /** Export queries running in PostgreSQL, polled until it is `expected` or `ms` have passed. */
  async function exportConnectionsAfter(ms: number, expected: number): Promise<number> {
    const until = Date.now() + ms;
    for (;;) {
      const [{ n }] = await db().query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name LIKE '%(exports)' AND state = 'active'`,
      );
      if (n === expected || Date.now() > until) return n;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
