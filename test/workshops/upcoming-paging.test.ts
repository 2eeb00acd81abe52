import type { User } from '../../src/accounts/user.entity';
import { UPCOMING_PAGE_SIZE, WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

const HOUR = 3_600_000;

describe('the upcoming workshops list', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let coach: User;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    coach = await createUser(db(), { role: 'coach' });
  });
  afterAll(() => t.close());

  const schedule = (title: string, startsAt: Date, chapterId: string | null = null) =>
    t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title,
        description: '',
        milestoneIds: [],
        startsAt,
        endsAt: new Date(startsAt.getTime() + HOUR),
        timeZone: 'UTC',
        location: 'City Hall',
        onlineUrl: null,
        capacity: 10,
        chapterId,
      }),
    );
  const titles = (html: string) =>
    [...html.matchAll(/<h3><a href="\/workshops\/[0-9a-f-]{36}">([^<]+)<\/a><\/h3>/g)].map((m) => m[1]);

  it('shows a bounded page, soonest first, continued by a stable "later" link; chapters come from the chapters table', async () => {
    const chapter = await createChapter(db(), { name: 'Paging Chapter' });
    const base = Date.now() + 24 * HOUR;
    const count = UPCOMING_PAGE_SIZE + 5;
    for (let i = 0; i < count; i++)
      await schedule(`Workshop ${String(i).padStart(2, '0')}`, new Date(base + i * HOUR), chapter.id);
    const organizer = await createUser(db(), { chapterId: chapter.id });
    const agent = await signedInAgent(t.app, organizer.email);

    const first = await agent.get('/workshops').query({ chapterId: chapter.id });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Paging Chapter');
    const firstTitles = titles(first.text);
    expect(firstTitles).toHaveLength(UPCOMING_PAGE_SIZE);
    const later = /<a href="\/workshops\?([^"]+)" rel="next">Later workshops<\/a>/.exec(first.text);
    expect(later).not.toBeNull();

    // A workshop scheduled sooner in between does not shift the next page.
    await schedule('Sooner workshop', new Date(base - HOUR), chapter.id);
    const second = await agent.get(`/workshops?${later![1].replace(/&amp;/g, '&')}`);
    const secondTitles = titles(second.text);
    expect(secondTitles).toEqual(
      Array.from({ length: 5 }, (_, i) => `Workshop ${String(UPCOMING_PAGE_SIZE + i).padStart(2, '0')}`),
    );
    expect(second.text).toContain('Soonest workshops');
    expect(second.text).not.toContain('rel="next"');
    expect([...firstTitles, ...secondTitles]).toEqual(
      Array.from({ length: count }, (_, i) => `Workshop ${String(i).padStart(2, '0')}`),
    );
  });
});
