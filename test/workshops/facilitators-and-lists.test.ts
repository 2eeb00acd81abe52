import type { User } from '../../src/accounts/user.entity';
import { Workshop, WorkshopAttendance, WorkshopFacilitator } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

describe('co-facilitators, past workshops and time zones', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let coach: User;
  let coachAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    coach = await createUser(db(), { role: 'coach' });
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  const schedule = (overrides: Partial<{ title: string; timeZone: string; chapterId: string | null }> = {}) =>
    t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Running a hack night',
        description: '',
        milestoneIds: [],
        startsAt: new Date('2099-06-01T16:00:00Z'),
        endsAt: new Date('2099-06-01T18:00:00Z'),
        timeZone: 'America/New_York',
        location: 'City Hall',
        onlineUrl: null,
        capacity: 10,
        chapterId: null,
        ...overrides,
      }),
    );

  it('lets a facilitator add a coach as co-facilitator, who can then manage the workshop', async () => {
    const workshop = await schedule();
    const coCoach = await createUser(db(), { role: 'coach' });
    const coAgent = await signedInAgent(t.app, coCoach.email);
    expect((await coAgent.get(`/workshops/${workshop.id}/attendance`)).status).toBe(403);

    const added = await postForm(coachAgent, `/workshops/${workshop.id}/facilitators`, {
      email: coCoach.email,
    });
    expect(added.status).toBe(303);
    expect((await coAgent.get(`/workshops/${workshop.id}/attendance`)).status).toBe(200);
    const page = await coachAgent.get(`/workshops/${workshop.id}`);
    expect(page.text).toContain(coCoach.displayName);

    const removed = await postForm(coAgent, `/workshops/${workshop.id}/facilitators/${coach.id}/remove`);
    expect(removed.status).toBe(303);
    expect(await db().countBy(WorkshopFacilitator, { workshopId: workshop.id })).toBe(1);
    const last = await postForm(coAgent, `/workshops/${workshop.id}/facilitators/${coCoach.id}/remove`);
    expect(last.status).toBe(409);
    expect(last.text).toContain('needs at least one facilitator');
  });

  it('refuses organizers and unknown emails as facilitators, and outsiders adding anyone', async () => {
    const workshop = await schedule();
    const organizer = await createUser(db());
    const response = await postForm(coachAgent, `/workshops/${workshop.id}/facilitators`, {
      email: organizer.email,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Facilitators must be active coaches or admins');
    const invalid = await postForm(coachAgent, `/workshops/${workshop.id}/facilitators`, {
      email: 'not an email',
    });
    expect(invalid.status).toBe(400);
    const stranger = await createUser(db(), { role: 'coach' });
    const strangerAgent = await signedInAgent(t.app, stranger.email);
    const refused = await postForm(strangerAgent, `/workshops/${workshop.id}/facilitators`, {
      email: stranger.email,
    });
    expect(refused.status).toBe(403);
    expect(await db().countBy(WorkshopFacilitator, { workshopId: workshop.id })).toBe(1);
  });

  it('lists past workshops with how many attended', async () => {
    const workshop = await schedule({ title: 'A workshop from last month' });
    const past = new Date(Date.now() - 30 * 86_400_000);
    await db().update(Workshop, workshop.id, {
      startsAt: past,
      endsAt: new Date(past.getTime() + 3_600_000),
    });
    for (const status of ['present', 'present', 'absent'] as const) {
      const person = await createUser(db());
      await db().insert(WorkshopAttendance, {
        workshopId: workshop.id,
        userId: person.id,
        status,
        markedById: coach.id,
      });
    }
    const page = await coachAgent.get('/workshops');
    const row = page.text.split(/<tr[ >]/).find((r) => r.includes('A workshop from last month'))!;
    expect(row).toBeDefined();
    expect(row).toMatch(/<td role="cell" data-label="Present">2<\/td>\s*<\/tr>/);
  });

  it("shows times in the workshop's own zone, with the time in the viewer's chapter zone beside it", async () => {
    const berlin = await createChapter(db(), { timeZone: 'Europe/Berlin' });
    const workshop = await schedule({ title: 'Zone check' });
    const member = await createUser(db(), { chapterId: berlin.id });
    const page = await (await signedInAgent(t.app, member.email)).get(`/workshops/${workshop.id}`);
    expect(page.text).toContain('<dd>Mon, 1 Jun 2099, 12:00–14:00 (America/New_York)');
    expect(page.text).toContain("In your chapter's time zone: Mon, 1 Jun 2099, 18:00–20:00 (Europe/Berlin)");
    const noChapter = await coachAgent.get(`/workshops/${workshop.id}`);
    expect(noChapter.text).toContain('12:00–14:00 (America/New_York)');
    expect(noChapter.text).not.toContain("In your chapter's time zone");
  });

  it('lets admins give a chapter a time zone, and refuses unknown zones', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    const chapter = await createChapter(db());
    const bad = await postForm(agent, `/admin/chapters/${chapter.id}`, {
      name: chapter.name,
      timeZone: 'Mars/Olympus',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose a time zone from the list');
    const ok = await postForm(agent, `/admin/chapters/${chapter.id}`, {
      name: chapter.name,
      timeZone: 'Asia/Tokyo',
    });
    expect(ok.status).toBe(303);
    const saved = await db().query<{ time_zone: string }[]>('SELECT time_zone FROM chapters WHERE id = $1', [
      chapter.id,
    ]);
    expect(saved[0].time_zone).toBe('Asia/Tokyo');
  });
});
