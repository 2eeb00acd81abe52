import { CHAPTERS_PER_PAGE } from '../../src/admin/all-sides.service';
import { ALL_SIDES_MEASURES } from '../../src/projects/all-sides';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

const QUERY = 'period=month&from=2025-01-01&to=2025-03-31';

/** The CSV as rows of header → cell. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [keys[i], cell])));
}

const unescape = (href: string) => href.replace(/&amp;/g, '&');
const linkTo = (html: string, text: string) => {
  const found = new RegExp(`<a href="([^"]+)"[^>]*>${text}</a>`).exec(html);
  return found ? unescape(found[1]) : null;
};
const headings = (html: string) => [...html.matchAll(/<h2 id="chapter-\d+">([^<]+)<\/h2>/g)].map((m) => m[1]);

describe('from all sides report, a page of chapters at a time', () => {
  let t: TestApp;
  let admin: Agent;
  beforeAll(async () => {
    t = await startTestApp();
    const m = t.dataSource.manager;
    const chapters = [];
    for (let i = 1; i <= CHAPTERS_PER_PAGE + 2; i += 1)
      chapters.push(await createChapter(m, { name: `Paging ${String(i).padStart(2, '0')}` }));
    const learner = await createUser(m, { chapterId: chapters.at(-1)!.id });
    const unattached = await createUser(m, { chapterId: null });
    for (const person of [learner, unattached])
      await t.dataSource.query(
        `INSERT INTO milestone_completions (user_id, milestone_id, module_id, track_id, source, completed_at)
         VALUES ($1, 'people-first-listening-tour', 'people-first', 'civic-tech-organizer', 'admin', '2025-02-10T12:00:00Z')`,
        [person.id],
      );
    admin = await signedInAgent(t.app, (await createUser(m, { role: 'admin' })).email);
  });
  afterAll(() => t.close());

  it('pages through every chapter in name order with First and Next links, the CSV holding them all', async () => {
    const all = await t.dataSource.query<{ name: string }[]>(`SELECT name FROM chapters ORDER BY name, id`);
    const csv = parseCsv((await admin.get(`/admin/reports/all-sides.csv?${QUERY}`)).text);
    expect([...new Set(csv.map((r) => r.chapter))]).toEqual([...all.map((c) => c.name), 'No chapter']);

    const first = await admin.get(`/admin/reports/all-sides?${QUERY}`);
    expect(first.status).toBe(200);
    expect(headings(first.text)).toEqual(all.slice(0, CHAPTERS_PER_PAGE).map((c) => c.name));
    expect(linkTo(first.text, 'First page')).toBeNull();
    const next = linkTo(first.text, 'Next page');
    expect(next).toContain(QUERY);

    const second = await admin.get(next!);
    expect(second.status).toBe(200);
    const shown = headings(second.text);
    expect(shown).toEqual([...all.slice(CHAPTERS_PER_PAGE).map((c) => c.name), 'No chapter']);
    expect(linkTo(second.text, 'Next page')).toBeNull();
    expect(linkTo(second.text, 'First page')).toBe(`/admin/reports/all-sides?${QUERY}`);

    // Each shown row carries the CSV's figures, the learners' included.
    for (const name of shown)
      for (const row of csv.filter((r) => r.chapter === name)) {
        const cells = ALL_SIDES_MEASURES.map((m) => `<td>${row[m.key]}</td>`).join('');
        expect(second.text).toContain(`<th scope="row">${row.period}</th>${cells}`);
      }
    const feb = (name: string) => csv.find((r) => r.chapter === name && r.period === '2025-02')!;
    expect(feb(all.at(-1)!.name).active_learners).toBe('1');
    expect(feb('No chapter').active_learners).toBe('1');
  });

  it('starts from the first page when the page cursor is not a chapter', async () => {
    for (const after of ['nonsense', '00000000-0000-4000-8000-000000000000']) {
      const page = await admin.get(`/admin/reports/all-sides?${QUERY}&after=${after}`);
      expect(page.status).toBe(200);
      expect(headings(page.text)).toHaveLength(CHAPTERS_PER_PAGE);
      expect(linkTo(page.text, 'Next page')).not.toBeNull();
    }
  });

  it('one chosen chapter is one page, with no pager', async () => {
    const [chosen] = await t.dataSource.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM chapters WHERE name = 'Paging 26'`,
    );
    const page = await admin.get(`/admin/reports/all-sides?${QUERY}&chapterId=${chosen.id}`);
    expect(headings(page.text)).toEqual([chosen.name]);
    expect(page.text).not.toContain('aria-label="Pages"');
  });
});
