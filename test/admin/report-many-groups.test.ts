import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

/** How a chapter's row of the funnel table starts (its row heading). */
const rowOf = (name: string) => `<th scope="row">${name}</th>`;
/** A filter's option for `name`. */
const optionOf = (name: string) => new RegExp(`<option value="[^"]+"( selected)?>${name}</option>`);

describe('reports and filters of an academy with many chapters and cohorts', () => {
  let t: TestApp;
  let admin: Agent;
  /** Chapter i (1–30) has i organizers, in a cohort of its own. */
  const chapters: { id: string; name: string; cohortId: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.dataSource.manager;
    for (let i = 1; i <= 30; i++) {
      const chapter = await createChapter(db, { name: `Chapter ${String(i).padStart(2, '0')}` });
      const [{ id: cohortId }] = await db.query<{ id: string }[]>(
        `INSERT INTO cohorts (name, chapter_id) VALUES ($1, $2) RETURNING id`,
        [`Cohort of chapter ${String(i).padStart(2, '0')}`, chapter.id],
      );
      await db.query(
        `INSERT INTO users (email, display_name, password_hash, role, chapter_id, cohort_id)
         SELECT 'c' || $3::int || '-' || n || '@example.org', 'Person ' || n, 'x', 'organizer', $1, $2
           FROM generate_series(1, $3::int) AS n`,
        [chapter.id, cohortId, i],
      );
      chapters.push({ id: chapter.id, name: chapter.name, cohortId });
    }
    // 200 more cohorts of one chapter: 230 in all, more than a filter offers without a chapter.
    await db.query(
      `INSERT INTO cohorts (name, chapter_id) SELECT 'Extra cohort ' || n, $1 FROM generate_series(1, 200) AS n`,
      [chapters[0].id],
    );
    const person = await createUser(db, { role: 'admin' });
    admin = await signedInAgent(t.app, person.email);
  });
  afterAll(() => t.close());

  it('shows the 25 largest chapters and cohorts in the funnel tables, and says how many there are', async () => {
    const page = await admin.get('/admin/reports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('The 25 chapters with the most people invited, of 30.');
    expect(page.text).toContain('The 25 cohorts with the most people invited, of 30.');
    // Chapters 06–30 have the most organizers; 01–05 are left out, in both tables.
    for (const { name } of chapters.slice(5)) expect(page.text).toContain(rowOf(name));
    for (const { name } of chapters.slice(0, 5)) expect(page.text).not.toContain(rowOf(name));
    expect(page.text).toContain(rowOf('Cohort of chapter 30'));
    expect(page.text).not.toContain(rowOf('Cohort of chapter 01'));
  });

  it('shows every group when a chapter is chosen, and no "largest" note', async () => {
    const page = await admin.get(`/admin/reports?chapterId=${chapters[0].id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(rowOf('Chapter 01'));
    expect(page.text).toContain(rowOf('Cohort of chapter 01'));
    expect(page.text).not.toContain('with the most people invited');
  });

  it('offers the cohorts of the chosen chapter, and asks for a chapter first when there are too many', async () => {
    const all = await admin.get('/admin/reports');
    expect(all.text).toContain('All cohorts (choose a chapter to list its cohorts)');
    expect(all.text).not.toMatch(optionOf('Extra cohort 1'));
    expect(all.text).not.toMatch(optionOf('Cohort of chapter 30'));

    const chosen = await admin.get(`/admin/reports?cohortId=${chapters[29].cohortId}`);
    expect(chosen.text).toMatch(/<option value="[^"]+" selected>Cohort of chapter 30<\/option>/);

    const ofChapter = await admin.get(`/admin/reports?chapterId=${chapters[0].id}`);
    expect(ofChapter.text).not.toContain('choose a chapter to list its cohorts');
    expect(ofChapter.text).toMatch(optionOf('Extra cohort 200'));
    expect(ofChapter.text).toMatch(optionOf('Cohort of chapter 01'));
    expect(ofChapter.text).not.toMatch(optionOf('Cohort of chapter 02'));
  });

  it.each([
    ['/admin/people', 'Any cohort'],
    ['/admin/exports', 'All cohorts'],
    ['/admin/certificates', 'All cohorts'],
  ])("%s offers the chosen chapter's cohorts in its filter, as the report does", async (path, all) => {
    const page = await admin.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${all} (choose a chapter to list its cohorts)`);
    expect(page.text).not.toMatch(optionOf('Extra cohort 1'));
    const ofChapter = await admin.get(`${path}?chapterId=${chapters[0].id}`);
    expect(ofChapter.status).toBe(200);
    expect(ofChapter.text).toMatch(optionOf('Extra cohort 200'));
    expect(ofChapter.text).not.toMatch(optionOf('Cohort of chapter 02'));
  });
});
