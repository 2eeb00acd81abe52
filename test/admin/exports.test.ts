import http from 'node:http';
import { createDataSource } from '../../src/db/data-source';
import { databaseUrl } from '../helpers/database';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parse } from 'csv-parse/sync';
import type { User } from '../../src/accounts/user.entity';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { startListeningApp, type RunningApp } from '../helpers/listening-app';
import { certificateKit } from '../certificates/kit';

const TRICKY_NAMES = [
  'Smith, Jane',
  'Ana "the Organizer" Díaz',
  'Line\nBreak',
  'Zoë Ünïcødé 名前',
  '=HYPERLINK("http://evil.example")',
  '+15551234',
  '-2+3',
  '@SUM(A1)',
];
const BIG_EXPORT_ROWS = 100_000;
/** Heap retained halfway through the download (the 50,000 rows already sent would take far more). */
const HEAP_BUDGET_BYTES = 16 * 1024 * 1024;
/** How long the client stops reading halfway, long enough for the server to fill every buffer. */
const PAUSE_MS = 300;

describe('CSV exports', () => {
  let running: RunningApp;
  let admin: User;
  const db = () => running.t.dataSource.manager;

  beforeAll(async () => {
    running = await startListeningApp();
    admin = await createUser(db(), { role: 'admin' });
  });
  afterAll(() => running.close());

  const download = async (path: string) => (await signedInAgent(running.t.app, admin.email)).get(path);

  it('quotes commas, quotes, newlines and non-ASCII correctly and neutralises formulas', async () => {
    const chapter = await createChapter(db(), { name: 'Tricky, "quoted" chapter' });
    for (const name of TRICKY_NAMES) await createUser(db(), { displayName: name, chapterId: chapter.id });
    const response = await download(`/admin/exports/people.csv?chapterId=${chapter.id}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="?people-\d{4}-\d{2}-\d{2}\.csv"?/,
    );
    expect(response.text.startsWith('\ufeff')).toBe(true);
    const rows = parse<Record<string, string>>(response.text.slice(1), { columns: true });
    const names = rows.map((r) => r.name).sort();
    const expected = TRICKY_NAMES.map((n) => (/^[=+\-@]/.test(n) ? `'${n}` : n)).sort();
    expect(names).toEqual(expected);
    expect(rows.every((r) => r.chapter === 'Tricky, "quoted" chapter')).toBe(true);
    expect(response.text).toContain('"Smith, Jane"');
    expect(response.text).toContain('"Ana ""the Organizer"" Díaz"');
  });

  it('exports submissions, attendance and certificates with their headers and rows', async () => {
    const chapter = await createChapter(db());
    const holder = await createUser(db(), { displayName: 'Cert Holder', chapterId: chapter.id });
    await certificateKit(running.t).certify(holder.id);
    const certificates = await download(`/admin/exports/certificates.csv?chapterId=${chapter.id}`);
    const [row] = parse<Record<string, string>>(certificates.text.slice(1), { columns: true });
    expect(row).toMatchObject({
      holder: 'Cert Holder',
      track: 'civic-tech-host',
      status: 'valid',
      hidden: 'no',
    });
    expect(row.url).toMatch(new RegExp(`^${running.baseUrl}/c/[A-Za-z0-9_-]{22}$`));
    for (const name of ['submissions', 'attendance']) {
      const response = await download(`/admin/exports/${name}.csv?chapterId=${chapter.id}`);
      expect(response.status).toBe(200);
      expect(response.text.split('\r\n')[0]).toMatch(/^\ufeff\w/);
    }
    expect((await download('/admin/exports/passwords.csv')).status).toBe(404);
  });

  it(`streams ${BIG_EXPORT_ROWS.toLocaleString('en')} rows with the heap staying bounded`, async () => {
    const chapter = await createChapter(db(), { name: 'Huge chapter' });
    // Setting up 100,000 accounts runs every summary trigger for them: one statement on a connection
    // of its own without query timeout (on a busy machine or a slower server it takes 10–30 s).
    const setup = createDataSource({
      url: databaseUrl(running.t.databaseName),
      poolMax: 1,
      queryTimeoutMs: 0,
    });
    await setup.initialize();
    try {
      await setup.query(
        `INSERT INTO users (email, display_name, password_hash, role, chapter_id)
         SELECT 'bulk' || i || '@example.org', 'Bulk person ' || i, 'not-a-hash', 'organizer', $1
           FROM generate_series(1, $2) AS i`,
        [chapter.id, BIG_EXPORT_ROWS],
      );
    } finally {
      await setup.destroy();
    }
    const agent = await signedInAgent(running.t.app, admin.email);
    // The agent's session cookie, for a plain streaming client.
    const cookies = (await agent.get('/admin/exports')).request.cookies;
    const baseline = heapAfterFullCollection();
    let retainedMidway: number | undefined;
    // Read the download as a stream, counting lines, so the test client holds no more than the server.
    // Halfway through, the client stops reading: a streaming server then waits with only a batch or so
    // in memory, while one that built the whole file first would be holding all of it.
    const lines = await new Promise<number>((resolve, reject) => {
      http
        .get(
          `${running.baseUrl}/admin/exports/people.csv?chapterId=${chapter.id}`,
          { headers: { cookie: cookies } },
          (res) => {
            let count = 0;
            res.on('data', (chunk: Buffer) => {
              for (const byte of chunk) if (byte === 0x0a) count += 1;
              if (retainedMidway === undefined && count >= BIG_EXPORT_ROWS / 2) {
                retainedMidway = 0;
                res.pause();
                setTimeout(() => {
                  retainedMidway = heapAfterFullCollection() - baseline;
                  res.resume();
                }, PAUSE_MS);
              }
            });
            res.on('end', () => resolve(count));
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
    expect(lines).toBe(BIG_EXPORT_ROWS + 1);
    expect(retainedMidway).toBeLessThan(HEAP_BUDGET_BYTES);
    // The setup's 100,000 accounts run every summary trigger: on a busy 2-core CI machine against an
    // external PostgreSQL that alone can take most of the default 30 s.
  }, 120_000);
});

/**
 * Heap in use after a full collection, so the number counts what is retained rather than garbage
 * V8 has not collected yet (which depends on timing and on the tests that ran before in this worker).
 */
function heapAfterFullCollection(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
