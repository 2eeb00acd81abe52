import type { User } from '../../src/accounts/user.entity';
import { COACH_PAGE_SIZE } from '../../src/coaching/coach-ranking';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

const namesOn = (html: string): string[] =>
  [...html.matchAll(/<label for="coach-[0-9a-f-]+">([^<(]+?)(?: \(|<\/label>)/g)].map((m) => m[1].trim());
const link = (html: string, rel: 'next' | 'prev'): string | null =>
  html.match(new RegExp(`<a href="([^"]+)" rel="${rel}">`))?.[1].replace(/&amp;/g, '&') ?? null;

/** The whole ranking for an organizer of `chapterId`, worked out in one sort over the loads. */
const RANKING = `SELECT display_name FROM coach_loads
  ORDER BY (chapter_id = $1) IS NOT TRUE, active - capacity, waiting, display_name, coach_id`;

describe('the coach ranking, read as a same-chapter and an other-chapters half', () => {
  let t: TestApp;
  let admin: Agent;
  let chapterA: string;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    chapterA = (await createChapter(db())).id;
    const chapterB = (await createChapter(db())).id;
    admin = await signedInAgent(t.app, (await createUser(db(), { role: 'admin' })).email);
    for (let i = 0; i < COACH_PAGE_SIZE + 12; i++)
      await createUser(db(), {
        role: 'coach',
        displayName: `Halves ${String(i).padStart(2, '0')}`,
        chapterId: [chapterA, chapterB, null][i % 3],
        coachCapacity: 2 + (i % 5),
      });
  });
  afterAll(() => t.close());

  /** Every page forward from the first, then every page back from the last. */
  async function walk(organizer: User): Promise<{ forward: string[]; backward: string[] }> {
    const pages: string[][] = [];
    let html = (await admin.get(`/admin/people/${organizer.id}/coach`)).text;
    pages.push(namesOn(html));
    for (let next = link(html, 'next'); next; next = link(html, 'next')) {
      html = (await admin.get(next)).text;
      pages.push(namesOn(html));
    }
    const back: string[][] = [];
    for (let prev = link(html, 'prev'); prev; prev = link(html, 'prev')) {
      html = (await admin.get(prev)).text;
      back.unshift(namesOn(html));
    }
    expect(back).toEqual(pages.slice(0, -1));
    return { forward: pages.flat(), backward: back.flat() };
  }

  it('ranks same-chapter coaches first, then the rest (coaches without a chapter among them), across pages', async () => {
    const organizer = await createUser(db(), { chapterId: chapterA });
    const expected = (await db().query<{ display_name: string }[]>(RANKING, [chapterA])).map(
      (r) => r.display_name,
    );
    expect((await walk(organizer)).forward).toEqual(expected);
  });

  it('ranks every coach as another chapter for an organizer without a chapter, coaches without one included', async () => {
    const organizer = await createUser(db(), { chapterId: null });
    const expected = (await db().query<{ display_name: string }[]>(RANKING, [null])).map(
      (r) => r.display_name,
    );
    expect(expected).toHaveLength(COACH_PAGE_SIZE + 12);
    expect((await walk(organizer)).forward).toEqual(expected);
  });
});
