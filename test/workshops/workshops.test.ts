import type { User } from '../../src/accounts/user.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Workshop, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { WorkshopsService, type WorkshopInput } from '../../src/workshops/workshops.service';
import { zonedTimeToUtc } from '../../src/web/time-zones';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'inclusive-community-incident-response-workshop';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

describe('workshops', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let admin: User;
  let coach: User;
  let adminAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    admin = await createUser(db(), { role: 'admin' });
    coach = await createUser(db(), { role: 'coach' });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterAll(() => t.close());

  function input(overrides: Partial<WorkshopInput> = {}): WorkshopInput {
    return {
      title: 'Responding to incidents',
      description: 'Practice with **real** scenarios.',
      milestoneIds: [MILESTONE],
      startsAt: inDays(7),
      endsAt: new Date(inDays(7).getTime() + 2 * 3_600_000),
      timeZone: 'America/New_York',
      location: 'Cambridge Public Library',
      onlineUrl: null,
      capacity: 10,
      chapterId: null,
      ...overrides,
    };
  }

  const schedule = (overrides: Partial<WorkshopInput> = {}, by: User = admin) =>
    t.dataSource.transaction((m) => service.create(m, { ...by, chapterId: by.chapterId }, input(overrides)));

  const form = (overrides: Record<string, string | string[]> = {}) => ({
    title: 'Facilitation practice',
    description: '',
    startsAt: '2030-03-03T18:00',
    endsAt: '2030-03-03T20:00',
    timeZone: 'America/New_York',
    location: 'Library',
    capacity: '12',
    milestoneIds: [MILESTONE],
    ...overrides,
  });

  it('schedules a workshop from the form, storing times in UTC from the chosen zone', async () => {
    const response = await postForm(adminAgent, '/workshops', form());
    expect(response.status).toBe(303);
    const workshop = await db().findOneByOrFail(Workshop, { title: 'Facilitation practice' });
    expect(workshop.startsAt.toISOString()).toBe('2030-03-03T23:00:00.000Z');
    expect(workshop.milestoneIds).toEqual([MILESTONE]);
    const page = await adminAgent.get(`/workshops/${workshop.id}`);
    expect(page.text).toContain('18:00–20:00 (America/New_York)');
  });

  it.each([
    [{ endsAt: '2030-03-03T17:00' }, 'The end must be after the start.'],
    [{ capacity: '0' }, 'Capacity must be at least 1.'],
    [
      { startsAt: '2020-01-01T10:00', endsAt: '2020-01-01T12:00' },
      'A new workshop must start in the future.',
    ],
    [{ timeZone: 'Mars/Olympus' }, 'Choose a time zone from the list'],
    [
      { milestoneIds: ['people-first-listening-tour'] },
      'Unknown workshop milestone: people-first-listening-tour.',
    ],
    [{ title: '' }, 'Enter title.'],
  ])('refuses bad input %j with a clear message and creates nothing', async (overrides, message) => {
    const before = await db().count(Workshop);
    const response = await postForm(adminAgent, '/workshops', form({ title: 'Bad one', ...overrides }));
    expect(response.status).toBe(400);
    expect(response.text).toContain(message);
    expect(await db().count(Workshop)).toBe(before);
  });

  it('does not let organizers schedule, or coaches change workshops they do not facilitate', async () => {
    const organizer = await createUser(db());
    expect((await postForm(await signedInAgent(t.app, organizer.email), '/workshops', form())).status).toBe(
      403,
    );
    const workshop = await schedule();
    const coachAgent = await signedInAgent(t.app, coach.email);
    const edit = await postForm(coachAgent, `/workshops/${workshop.id}/edit`, form({ title: 'Hijacked' }));
    expect(edit.status).toBe(403);
    expect((await postForm(coachAgent, `/workshops/${workshop.id}/cancel`)).status).toBe(403);
    expect(await db().findOneByOrFail(Workshop, { id: workshop.id })).toMatchObject({
      title: 'Responding to incidents',
      cancelledAt: null,
    });
    const own = await schedule({ title: 'Coach-run' }, coach);
    expect((await postForm(coachAgent, `/workshops/${own.id}/cancel`)).status).toBe(303);
  });

  it('never overbooks: 50 simultaneous registrations for 10 seats leave 10 registered and 40 waitlisted', async () => {
    const workshop = await schedule({ capacity: 10 });
    const people = await Promise.all(Array.from({ length: 50 }, () => createUser(db())));
    const results = await Promise.all(
      people.map((person) =>
        t.dataSource.transaction((m) => service.register(m, { ...person, chapterId: null }, workshop.id)),
      ),
    );
    expect(results.filter((s) => s === 'registered')).toHaveLength(10);
    expect(await db().countBy(WorkshopRegistration, { workshopId: workshop.id, status: 'registered' })).toBe(
      10,
    );
    expect(await db().countBy(WorkshopRegistration, { workshopId: workshop.id, status: 'waitlisted' })).toBe(
      40,
    );
  });

  it('promotes the first person on the waitlist when a seat frees, and emails them', async () => {
    const workshop = await schedule({ capacity: 1 });
    const [first, second, third] = [await createUser(db()), await createUser(db()), await createUser(db())];
    const agents = [
      await signedInAgent(t.app, first.email),
      await signedInAgent(t.app, second.email),
      await signedInAgent(t.app, third.email),
    ];
    for (const agent of agents)
      expect((await postForm(agent, `/workshops/${workshop.id}/register`)).status).toBe(303);
    expect((await agents[1].get(`/workshops/${workshop.id}`)).text).toContain('You are on the waitlist.');
    expect((await postForm(agents[0], `/workshops/${workshop.id}/unregister`)).status).toBe(303);
    const status = async (user: User) =>
      (await db().findOneBy(WorkshopRegistration, {
        workshopId: workshop.id,
        userId: user.id,
        status: 'registered',
      })) !== null;
    expect(await status(second)).toBe(true);
    expect(await status(third)).toBe(false);
    const mail = await db().find(OutboxMessage, { where: { toAddress: second.email } });
    expect(mail.some((m) => m.subject === `You have a seat: ${workshop.title}`)).toBe(true);
  });

  it('emails everyone registered when a workshop moves or is cancelled, and closes registration', async () => {
    const workshop = await schedule({ capacity: 5 });
    const person = await createUser(db());
    await t.dataSource.transaction((m) => service.register(m, { ...person, chapterId: null }, workshop.id));
    await t.dataSource.transaction((m) =>
      service.update(
        m,
        admin,
        workshop.id,
        input({ startsAt: inDays(8), endsAt: new Date(inDays(8).getTime() + 3_600_000) }),
      ),
    );
    await t.dataSource.transaction((m) => service.cancel(m, admin, workshop.id));
    const subjects = (await db().find(OutboxMessage, { where: { toAddress: person.email } })).map(
      (m) => m.subject,
    );
    expect(subjects).toEqual(
      expect.arrayContaining([`Workshop moved: ${workshop.title}`, `Workshop cancelled: ${workshop.title}`]),
    );
    const late = await createUser(db());
    await expect(
      t.dataSource.transaction((m) => service.register(m, { ...late, chapterId: null }, workshop.id)),
    ).rejects.toThrow('cancelled');
  });

  it('keeps capacity at or above the seats taken, and promotes the waitlist when it grows', async () => {
    const workshop = await schedule({ capacity: 2 });
    const [a, b, c] = [await createUser(db()), await createUser(db()), await createUser(db())];
    for (const p of [a, b, c])
      await t.dataSource.transaction((m) => service.register(m, { ...p, chapterId: null }, workshop.id));
    const same = { startsAt: workshop.startsAt, endsAt: workshop.endsAt };
    await expect(
      t.dataSource.transaction((m) => service.update(m, admin, workshop.id, input({ ...same, capacity: 1 }))),
    ).rejects.toThrow('2 people already have a seat; capacity cannot go below that.');
    await t.dataSource.transaction((m) =>
      service.update(m, admin, workshop.id, input({ ...same, capacity: 3 })),
    );
    expect(await db().countBy(WorkshopRegistration, { workshopId: workshop.id, status: 'registered' })).toBe(
      3,
    );
    expect(await db().countBy(WorkshopRegistration, { workshopId: workshop.id, status: 'waitlisted' })).toBe(
      0,
    );
  });

  it('converts wall-clock times across daylight saving correctly', () => {
    expect(zonedTimeToUtc('2030-07-01T18:00', 'America/New_York')!.toISOString()).toBe(
      '2030-07-01T22:00:00.000Z',
    );
    expect(zonedTimeToUtc('2030-01-15T18:00', 'America/New_York')!.toISOString()).toBe(
      '2030-01-15T23:00:00.000Z',
    );
    expect(zonedTimeToUtc('2030-01-15T09:00', 'Europe/Berlin')!.toISOString()).toBe(
      '2030-01-15T08:00:00.000Z',
    );
  });
});
