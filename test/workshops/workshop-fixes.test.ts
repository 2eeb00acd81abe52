import type { User } from '../../src/accounts/user.entity';
import { buildOpenBadgeCredential } from '../../src/certificates/credentials';
import { CHECK_IN_WINDOW_MS, currentCheckInCode } from '../../src/workshops/check-in-codes';
import { Workshop, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { calendarDateIn } from '../../src/web/time-zones';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

describe('workshop fixes', () => {
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

  /** A workshop starting in 10 minutes (check-in is open, registrations may still change). */
  async function soon(timeZone = 'America/New_York'): Promise<Workshop> {
    const start = new Date(Date.now() + 86_400_000);
    const created = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Facilitation lab',
        description: '',
        milestoneIds: [],
        startsAt: start,
        endsAt: new Date(start.getTime() + 7_200_000),
        timeZone,
        location: 'Library',
        onlineUrl: null,
        capacity: 5,
        chapterId: null,
      }),
    );
    const startsAt = new Date(Date.now() + 10 * 60_000);
    await db().update(Workshop, created.id, { startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000) });
    return db().findOneByOrFail(Workshop, { id: created.id });
  }
  const secretOf = async (id: string) =>
    (await db().query<{ s: string }[]>('SELECT check_in_secret AS s FROM workshops WHERE id = $1', [id]))[0]
      .s;

  it('keeps the registration of someone who checked in: no cancel button, and the service refuses', async () => {
    const workshop = await soon();
    const organizer = await createUser(db());
    const agent = await signedInAgent(t.app, organizer.email);
    expect((await postForm(agent, `/workshops/${workshop.id}/register`)).status).toBe(303);
    expect((await agent.get(`/workshops/${workshop.id}`)).text).toContain('Cancel my registration');
    const { code } = currentCheckInCode(await secretOf(workshop.id), workshop.id);
    expect((await postForm(agent, `/workshops/${workshop.id}/check-in`, { code })).status).toBe(303);
    const page = await agent.get(`/workshops/${workshop.id}`);
    expect(page.text).not.toContain('Cancel my registration');
    expect(page.text).toContain('You have a seat and are checked in.');
    expect((await postForm(agent, `/workshops/${workshop.id}/unregister`)).status).toBe(409);
    expect(
      await db().findOneByOrFail(WorkshopRegistration, { workshopId: workshop.id, userId: organizer.id }),
    ).toMatchObject({ status: 'registered' });
  });

  it("refreshes the facilitator's code page when the code changes, with times in the workshop's zone", async () => {
    const workshop = await soon('America/New_York');
    const page = await coachAgent.get(`/workshops/${workshop.id}/check-in`);
    // A local script reloads the page when the code changes (a meta refresh fails WCAG 2.2.1);
    // without JavaScript the page says when it changes and links to the current code.
    const seconds = Number(/data-reload-in-seconds="(\d+)"/.exec(page.text)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(CHECK_IN_WINDOW_MS / 1000 + 1);
    expect(page.text).toContain('<script src="/static/js/reload-when-due.js" defer></script>');
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect((await coachAgent.get('/static/js/reload-when-due.js')).status).toBe(200);
    expect(page.text).toMatch(/It changes at <strong>\d{2}:\d{2} \(America\/New_York\)<\/strong>/);
    expect((await coachAgent.get(`/workshops/${workshop.id}`)).text).not.toContain('reload-when-due');
  });

  it('does not offer facilitators "Register" or a check-in form on their own workshop', async () => {
    const workshop = await soon();
    const own = await coachAgent.get(`/workshops/${workshop.id}`);
    expect(own.text).not.toContain(`action="/workshops/${workshop.id}/register"`);
    expect(own.text).not.toContain('Check-in code shown in the room');
    const organizer = await createUser(db());
    const theirs = await (await signedInAgent(t.app, organizer.email)).get(`/workshops/${workshop.id}`);
    expect(theirs.text).toContain(`action="/workshops/${workshop.id}/register"`);
    expect(theirs.text).toContain('Check-in code shown in the room');
  });

  it("dates workshop evidence in the workshop's own zone: an evening in New York stays one day", () => {
    const startsAt = new Date('2026-12-11T23:00:00Z'); // 18:00 in New York
    const endsAt = new Date('2026-12-12T01:00:00Z'); // 20:00 in New York
    expect(calendarDateIn(startsAt, 'America/New_York')).toBe('2026-12-11');
    expect(calendarDateIn(endsAt, 'America/New_York')).toBe('2026-12-11');
    const credential = buildOpenBadgeCredential({
      credentialUrl: 'https://academy.test/c/abc',
      issuer: { id: 'https://academy.test/issuer', name: 'Academy', url: 'https://academy.test' },
      holder: { name: 'Oscar', email: 'oscar@example.org', salt: 'salt' },
      track: {
        id: 'https://academy.test/tracks/t',
        name: 'Organizer',
        description: 'd',
        criteriaNarrative: 'c',
        version: 'v',
      },
      awardedAt: new Date('2026-12-20T00:00:00Z'),
      evidence: [{ kind: 'workshop', name: 'Evening lab', startsAt, endsAt, timeZone: 'America/New_York' }],
      status: { listUrl: 'https://academy.test/status/1', index: 3 },
    });
    expect(JSON.stringify(credential)).toContain('Attended on 2026-12-11.');
  });
});
