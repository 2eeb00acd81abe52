import { Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser, createWorkshop } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

const HOUR = 3_600_000;

describe('upcoming and past workshops, read as index ranges', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let chapterId: string;
  const db = () => t.dataSource.manager;

  /** A workshop from `startHours` to `endHours` from now (negative: in the past). */
  const workshop = async (title: string, startHours: number, endHours: number, cancelled = false) => {
    const creator = await createUser(db(), { role: 'coach' });
    return createWorkshop(db(), {
      title,
      startsAt: new Date(Date.now() + startHours * HOUR),
      endsAt: new Date(Date.now() + endHours * HOUR),
      capacity: 10,
      chapterId,
      createdById: creator.id,
      cancelledAt: cancelled ? new Date() : null,
      checkInSecret: `secret-${title}`,
    });
  };

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    chapterId = (await createChapter(db(), { name: 'Running Chapter' })).id;
    await workshop('Ended', -3, -1);
    await workshop('Ended long ago', -500, -499);
    await workshop('Running for days', -48, 1);
    await workshop('Running now', -0.5, 0.5);
    await workshop('Cancelled while running', -1, 1, true);
    for (let i = 1; i <= 4; i++) await workshop(`Later ${i}`, i, i + 1);
  });
  afterAll(() => t.close());

  const filter = () => ({ chapterId, milestoneId: null });
  const titles = (list: Workshop[]) => list.map((w) => w.title);

  it('lists workshops running now first (however long ago they started), then later ones, never cancelled or ended ones', async () => {
    const first = await service.upcoming(db(), filter(), 3);
    expect(titles(first.workshops)).toEqual(['Running for days', 'Running now', 'Later 1']);
    const second = await service.upcoming(db(), { ...filter(), after: first.next! }, 3);
    expect(titles(second.workshops)).toEqual(['Later 2', 'Later 3', 'Later 4']);
    expect(second.next).toBeNull();
  });

  it('continues from a position among the running workshops into the later ones, one at a time', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await service.upcoming(db(), { ...filter(), after }, 1);
      seen.push(...titles(page.workshops));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(['Running for days', 'Running now', 'Later 1', 'Later 2', 'Later 3', 'Later 4']);
  });

  it('lists ended workshops, most recent first, without running or cancelled ones', async () => {
    expect(titles(await service.past(db(), filter()))).toEqual(['Ended', 'Ended long ago']);
    expect(titles(await service.past(db(), filter(), 1))).toEqual(['Ended']);
  });

  it('shows the running workshop on the page before the later ones', async () => {
    const organizer = await createUser(db(), { chapterId });
    const page = await (await signedInAgent(t.app, organizer.email)).get('/workshops').query({ chapterId });
    expect(page.status).toBe(200);
    const at = (title: string) => page.text.indexOf(`>${title}</a>`);
    expect(at('Running for days')).toBeGreaterThan(-1);
    expect(at('Running for days')).toBeLessThan(at('Later 1'));
    expect(page.text).not.toContain('Cancelled while running');
  });
});
