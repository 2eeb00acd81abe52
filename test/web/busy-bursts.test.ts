import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

const BURST = 50;

/**
 * Reports and downloads are not limited per person but admitted a few at a time per process (the
 * rest wait briefly in a short queue, then are turned away): a burst of 50 from one admin gets each
 * page or file whole, or a 503 with Retry-After and a message, never a 500, and leaves nothing held:
 * the next request is answered.
 */
describe('reports and downloads under a burst of 50', () => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await startTestApp({
      env: { EXPORT_CONNECTIONS: '1', REPORT_CACHE_SECONDS: '0', REPORT_CONCURRENCY: '1' },
    });
    const chapter = await createChapter(t.dataSource.manager, { name: 'Code for Burst' });
    for (let i = 0; i < 5; i += 1) await createUser(t.dataSource.manager, { chapterId: chapter.id });
    const person = await createUser(t.dataSource.manager, { role: 'admin' });
    admin = await signedInAgent(t.app, person.email);
  });
  afterAll(() => t.close());

  const cases: [string, string, (text: string) => boolean][] = [
    ['a CSV export', '/admin/exports/certificates.csv', (text) => text.startsWith('\ufeff')],
    ['the audit log download', '/admin/audit.csv', (text) => text.startsWith('\ufeff')],
    ['the all-sides download', '/admin/reports/all-sides.csv', (text) => text.includes('Code for Burst')],
    ['the reports page', '/admin/reports', (text) => text.includes('</html>')],
    ['the all-sides page', '/admin/reports/all-sides', (text) => text.includes('Code for Burst')],
  ];

  it.each(cases)('%s', async (_name, path, whole) => {
    const responses = await Promise.all(Array.from({ length: BURST }, () => admin.get(path)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const response of responses) {
      if (response.status === 200) expect(whole(response.text)).toBe(true);
      else {
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        expect(response.text).toMatch(/right now\. Please try again in a minute\./);
      }
    }
    const next = await admin.get(path);
    expect(next.status).toBe(200);
    expect(whole(next.text)).toBe(true);
  });
});
