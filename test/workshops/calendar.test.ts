import request from 'supertest';
import { CalendarFeed, type Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent } from '../helpers/http';

/** Unfolds RFC 5545 continuation lines and returns the content lines. */
function icsLines(text: string): string[] {
  return text.replace(/\r\n /g, '').split('\r\n').filter(Boolean);
}

describe('workshop calendars', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let workshop: Workshop;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    const coach = await createUser(db(), { role: 'coach' });
    workshop = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Facilitation, practice; and more',
        description: 'Bring a plan.\nAnd a friend.',
        milestoneIds: [],
        startsAt: new Date('2031-05-06T22:00:00Z'),
        endsAt: new Date('2031-05-07T00:00:00Z'),
        timeZone: 'America/New_York',
        location: 'Cambridge Public Library',
        onlineUrl: null,
        capacity: 10,
        chapterId: null,
      }),
    );
  });
  afterAll(() => t.close());

  it('downloads a workshop as .ics with its times in UTC and escaped text', async () => {
    const user = await createUser(db());
    const response = await (
      await signedInAgent(t.app, user.email)
    ).get(`/workshops/${workshop.id}/calendar.ics`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/calendar');
    const lines = icsLines(response.text);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('DTSTART:20310506T220000Z');
    expect(lines).toContain('DTEND:20310507T000000Z');
    expect(lines).toContain('SUMMARY:Facilitation\\, practice\\; and more');
    expect(lines).toContain(`UID:${workshop.id}@organizer-academy`);
    expect(lines.find((l) => l.startsWith('DESCRIPTION:'))).toContain('Bring a plan.\\nAnd a friend.');
    expect(response.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('serves a private feed of the workshops where the person has a seat, until revoked', async () => {
    const user = await createUser(db());
    await t.dataSource.transaction((m) => service.register(m, user, workshop.id));
    const agent = await signedInAgent(t.app, user.email);
    const created = await postForm(agent, '/account/calendar-feed');
    expect(created.status).toBe(303);
    const page = await agent.get('/workshops');
    const link = /\/calendar\/([\w-]+)\.ics/.exec(page.text)?.[0];
    expect(link).toBeDefined();
    const feedRow = await db().findOneByOrFail(CalendarFeed, { userId: user.id });
    expect(link).not.toContain(feedRow.tokenHash);

    const feed = await request(t.app).get(link!);
    expect(feed.status).toBe(200);
    expect(icsLines(feed.text)).toContain('DTSTART:20310506T220000Z');

    await postForm(agent, '/account/calendar-feed/revoke');
    expect((await request(t.app).get(link!)).status).toBe(404);
    expect((await request(t.app).get('/calendar/not-a-real-token.ics')).status).toBe(404);
  });

  it('"new calendar link" sent twice at once answers both, keeps one link, and the later one works', async () => {
    const user = await createUser(db());
    const agent = await signedInAgent(t.app, user.email);
    const _csrf = await csrfToken(agent); // one token for both: fetching two would race
    const create = () => agent.post('/account/calendar-feed').type('form').send({ _csrf });
    const responses = await Promise.all([create(), create(), create()]);
    expect(responses.map((response) => response.status)).toEqual([303, 303, 303]);
    expect(await db().countBy(CalendarFeed, { userId: user.id })).toBe(1);
    const page = await agent.get('/workshops');
    const links = [...page.text.matchAll(/\/calendar\/[\w-]+\.ics/g)].map((match) => match[0]);
    const statuses = await Promise.all(links.map(async (link) => (await request(t.app).get(link)).status));
    // Only the link of the request that committed last works (which one the page shows is a race).
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
    const [row] = await db().find(CalendarFeed, { where: { userId: user.id } });
    expect(row.tokenHash).toMatch(/\S/);
  });
});
