import { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Circle } from '../../src/circles/circle.entities';
import { Gathering, GatheringRsvp } from '../../src/gatherings/gathering.entities';
import { upcomingPublicGatherings } from '../../src/gatherings/gatherings.service';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { chapterWithCohort } from '../circles/helpers';
import { createGathering, gatheringFields } from './helpers';

describe('gatherings: scheduling, visibility, public fields', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  it('lets the hosts of a circle schedule a gathering (coach of the chapter, admins in scope), and nobody else', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const scoped = await createUser(m(), { role: 'admin', scopeChapterId: a.chapter.id });
    const academy = await createUser(m(), { role: 'admin' });
    const otherCoach = await createUser(m(), { role: 'coach', chapterId: b.chapter.id });
    const otherAdmin = await createUser(m(), { role: 'admin', scopeChapterId: b.chapter.id });
    const member = await createUser(m(), { chapterId: a.chapter.id });

    for (const [who, circle] of [
      [coach, a.chapterCircle],
      [scoped, a.cohortCircle],
      [academy, a.chapterCircle],
    ] as const) {
      const agent = await signedInAgent(t.app, who.email);
      const response = await postForm(
        agent,
        '/gatherings',
        gatheringFields(circle.id, { title: `By ${who.id}` }),
      );
      expect(response.status).toBe(303);
      const row = await m().findOneByOrFail(Gathering, { title: `By ${who.id}` });
      expect(response.headers.location).toBe(`/gatherings/${row.id}`);
      expect(row).toMatchObject({
        circleId: circle.id,
        chapterId: a.chapter.id,
        createdById: who.id,
        kind: 'hack_night',
      });
      expect(row.startsAt.toISOString()).toMatch(/T2[23]:00:00/); // 18:00 in New York
      expect(await m().countBy(AuditEvent, { action: 'gathering.scheduled', subjectId: row.id })).toBe(1);
    }

    const before = await m().count(Gathering);
    for (const who of [otherCoach, otherAdmin]) {
      const agent = await signedInAgent(t.app, who.email);
      const response = await postForm(agent, '/gatherings', gatheringFields(a.chapterCircle.id));
      expect(response.status).toBe(400);
      expect(response.text).toContain('Choose a circle you host.');
    }
    const memberAgent = await signedInAgent(t.app, member.email);
    expect((await postForm(memberAgent, '/gatherings', gatheringFields(a.chapterCircle.id))).status).toBe(
      403,
    );
    // Topic and academy circles are hosted by academy admins only.
    const academyCircle = await m().findOneByOrFail(Circle, { kind: 'academy' });
    const coachAgent = await signedInAgent(t.app, coach.email);
    expect((await postForm(coachAgent, '/gatherings', gatheringFields(academyCircle.id))).status).toBe(400);
    expect(await m().count(Gathering)).toBe(before);
  });

  it('refuses bad input with messages: no place and no link, end before start, a past start, a bad capacity', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const agent = await signedInAgent(t.app, coach.email);
    const cases: [Record<string, string>, string][] = [
      [{ location: '', onlineUrl: '' }, 'Give a place, an online link, or both.'],
      [{ endsAt: '2030-01-01T10:00', startsAt: '2030-01-01T12:00' }, 'The end must be after the start.'],
      [
        { startsAt: '2020-01-01T10:00', endsAt: '2020-01-01T12:00' },
        'A new gathering must start in the future.',
      ],
      [{ capacity: '0' }, 'Capacity must be at least 1'],
      [{ capacity: 'many' }, 'Enter a whole number of places'],
      [{ kind: 'rave' }, 'Choose a valid kind.'],
      [{ onlineUrl: 'javascript:alert(1)' }, 'The online link must start with https://'],
    ];
    const before = await m().count(Gathering);
    for (const [fields, message] of cases) {
      const response = await postForm(agent, '/gatherings', gatheringFields(a.chapterCircle.id, fields));
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
    }
    expect(await m().count(Gathering)).toBe(before);
    const online = await postForm(
      agent,
      '/gatherings',
      gatheringFields(a.chapterCircle.id, {
        location: '',
        onlineUrl: 'https://meet.example.org/x',
        capacity: '12',
        title: 'Online call',
      }),
    );
    expect(online.status).toBe(303);
    expect(await m().findOneByOrFail(Gathering, { title: 'Online call' })).toMatchObject({
      location: '',
      onlineUrl: 'https://meet.example.org/x',
      capacity: 12,
    });
  });

  it('shows a gathering to members and hosts; another chapter, a former member and a visitor get 404 (or sign-in)', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const member = await createUser(m(), { chapterId: a.chapter.id });
    const former = await createUser(m(), { chapterId: a.chapter.id });
    const outsider = await createUser(m(), { chapterId: b.chapter.id });
    const otherAdmin = await createUser(m(), { role: 'admin', scopeChapterId: b.chapter.id });
    const gathering = await createGathering(
      m(),
      { id: a.chapterCircle.id, chapterId: a.chapter.id },
      coach.id,
      {
        title: 'Members-only potluck',
        description: 'Door code <script>alert(1)</script> **4242**',
      },
    );
    const path = `/gatherings/${gathering.id}`;
    const memberPage = await (await signedInAgent(t.app, member.email)).get(path);
    expect(memberPage.status).toBe(200);
    expect(memberPage.text).toContain('<strong>4242</strong>');
    expect(memberPage.text).not.toContain('<script>alert(1)');
    expect((await (await signedInAgent(t.app, coach.email)).get(path)).status).toBe(200);

    const formerAgent = await signedInAgent(t.app, former.email);
    expect((await formerAgent.get(path)).status).toBe(200);
    await m().update(User, { id: former.id }, { chapterId: b.chapter.id });
    for (const who of [former, outsider, otherAdmin]) {
      const agent = await signedInAgent(t.app, who.email);
      const page = await agent.get(path);
      expect(page.status).toBe(404);
      expect(page.text).not.toContain('Members-only potluck');
      expect((await agent.get(`${path}/calendar.ics`)).status).toBe(404);
      expect((await postForm(agent, `${path}/rsvp`, { answer: 'yes' })).status).toBe(404);
      expect((await agent.get('/gatherings')).text).not.toContain('Members-only potluck');
    }
    const anonymous = await anonymousAgent(t.app).get(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    expect(await m().countBy(GatheringRsvp, { gatheringId: gathering.id })).toBe(0);
  });

  it('shows a public gathering to anyone with its public fields only, and lists it for the chapter page', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const circle = { id: a.chapterCircle.id, chapterId: a.chapter.id };
    const shown = await createGathering(m(), circle, coach.id, {
      title: 'Open hack night',
      description: 'Secret door code 9911',
      onlineUrl: 'https://meet.example.org/private-room',
      isPublic: true,
      startsInHours: 48,
    });
    const sooner = await createGathering(m(), { id: a.cohortCircle.id, chapterId: a.chapter.id }, coach.id, {
      title: 'Cohort picnic',
      isPublic: true,
      startsInHours: 24,
    });
    await createGathering(m(), circle, coach.id, { title: 'Private one', startsInHours: 30 });
    await createGathering(m(), circle, coach.id, {
      title: 'Cancelled one',
      isPublic: true,
      cancelledAt: new Date(),
    });
    await createGathering(m(), circle, coach.id, { title: 'Past one', isPublic: true, startsInHours: -48 });
    await createGathering(m(), { id: b.chapterCircle.id, chapterId: b.chapter.id }, coach.id, {
      title: 'Elsewhere',
      isPublic: true,
    });

    const listed = await upcomingPublicGatherings(m(), a.chapter.id, 10);
    expect(listed.map((g) => g.title)).toEqual(['Cohort picnic', 'Open hack night']);
    expect(listed[1]).toEqual({
      id: shown.id,
      title: 'Open hack night',
      kind: 'potluck',
      kindLabel: 'Potluck',
      startsAt: shown.startsAt,
      endsAt: shown.endsAt,
      timeZone: 'UTC',
      location: 'The park',
      online: true,
      chapterName: a.chapter.name,
      cancelled: false,
    });
    expect(JSON.stringify(listed)).not.toContain('9911');
    expect(JSON.stringify(listed)).not.toContain('private-room');
    expect((await upcomingPublicGatherings(m(), a.chapter.id, 1)).map((g) => g.id)).toEqual([sooner.id]);
    expect(await upcomingPublicGatherings(m(), a.chapter.id, 0)).toHaveLength(1);

    const outsider = await createUser(m(), { chapterId: b.chapter.id });
    for (const agent of [anonymousAgent(t.app), await signedInAgent(t.app, outsider.email)]) {
      const page = await agent.get(`/gatherings/${shown.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Open hack night');
      expect(page.text).toContain('The park');
      expect(page.text).not.toContain('9911');
      expect(page.text).not.toContain('private-room');
      expect(page.text).not.toContain('Are you coming?');
    }
  });

  it('edits and cancels: everyone who answered is notified (kind gatherings); members cannot', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const yes = await createUser(m(), { chapterId: a.chapter.id });
    const no = await createUser(m(), { chapterId: a.chapter.id });
    const silent = await createUser(m(), { chapterId: a.chapter.id });
    const coachAgent = await signedInAgent(t.app, coach.email);
    const created = await postForm(
      coachAgent,
      '/gatherings',
      gatheringFields(a.chapterCircle.id, { title: 'To be moved' }),
    );
    const id = String(created.headers.location).split('/').pop()!;
    expect(
      (await postForm(await signedInAgent(t.app, yes.email), `/gatherings/${id}/rsvp`, { answer: 'yes' }))
        .status,
    ).toBe(303);
    expect(
      (await postForm(await signedInAgent(t.app, no.email), `/gatherings/${id}/rsvp`, { answer: 'no' }))
        .status,
    ).toBe(303);

    const silentAgent = await signedInAgent(t.app, silent.email);
    expect((await postForm(silentAgent, `/gatherings/${id}/cancel`)).status).toBe(403);
    expect(
      (await postForm(silentAgent, `/gatherings/${id}/edit`, gatheringFields(a.chapterCircle.id))).status,
    ).toBe(403);

    const moved = await postForm(
      coachAgent,
      `/gatherings/${id}/edit`,
      gatheringFields(a.chapterCircle.id, { title: 'Moved', location: 'Community hall' }),
    );
    expect(moved.status).toBe(303);
    expect(await m().findOneByOrFail(Gathering, { id })).toMatchObject({
      title: 'Moved',
      location: 'Community hall',
    });
    const cancelled = await postForm(coachAgent, `/gatherings/${id}/cancel`);
    expect(cancelled.status).toBe(303);
    expect((await m().findOneByOrFail(Gathering, { id })).cancelledAt).not.toBeNull();
    for (const person of [yes, no]) {
      const notices = await m().find(Notification, {
        where: { userId: person.id },
        order: { createdAt: 'ASC' },
      });
      expect(notices.map((n) => [n.kind, n.title])).toEqual([
        ['gatherings', 'Gathering changed: Moved'],
        ['gatherings', 'Gathering cancelled: Moved'],
      ]);
      expect(notices[1].link).toBe(`/gatherings/${id}`);
    }
    expect(await m().countBy(Notification, { userId: silent.id })).toBe(0);
    // Cancelling again changes nothing and tells nobody twice.
    expect((await postForm(coachAgent, `/gatherings/${id}/cancel`)).status).toBe(303);
    expect(await m().countBy(Notification, { userId: yes.id })).toBe(2);
    expect(
      (await postForm(await signedInAgent(t.app, yes.email), `/gatherings/${id}/rsvp`, { answer: 'no' }))
        .status,
    ).toBe(409);
  });

  it('lists upcoming gatherings of my circles on /gatherings and the circle page, paged', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const member = await createUser(m(), { chapterId: a.chapter.id, cohortId: a.cohort.id });
    const circle = { id: a.chapterCircle.id, chapterId: a.chapter.id };
    for (let i = 0; i < 22; i += 1)
      await createGathering(m(), circle, coach.id, {
        title: `Call number ${String(i).padStart(2, '0')}`,
        startsInHours: 10 + i,
      });
    const agent = await signedInAgent(t.app, member.email);
    const first = await agent.get('/gatherings');
    expect(first.status).toBe(200);
    expect(first.text).toContain('Call number 00');
    expect(first.text).toContain('Call number 19');
    expect(first.text).not.toContain('Call number 20');
    const later = /href="(\/gatherings\?after=[^"]+)"/.exec(first.text)![1];
    const second = await agent.get(later.replace(/&amp;/g, '&'));
    expect(second.text).toContain('Call number 21');
    expect(second.text).not.toContain('Call number 19');
    const circlePage = await agent.get(`/circles/${a.chapterCircle.id}`);
    expect(circlePage.text).toContain('Call number 04');
    expect(circlePage.text).not.toContain('Call number 05');
    expect((await agent.get(`/gatherings?circleId=${a.cohortCircle.id}`)).text).toContain(
      'No gatherings are planned',
    );
    expect((await agent.get('/gatherings?after=%%%&circleId=nonsense')).status).toBe(200);
  });

  it('lists gatherings I said yes to in my private calendar feed while I belong to the circle; people who left are not told of changes', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const member = await createUser(m(), { chapterId: a.chapter.id });
    const leaver = await createUser(m(), { chapterId: a.chapter.id });
    const circle = { id: a.chapterCircle.id, chapterId: a.chapter.id };
    const going = await createGathering(m(), circle, coach.id, { title: 'Feed potluck' });
    const notGoing = await createGathering(m(), circle, coach.id, { title: 'Said no here' });
    for (const person of [member, leaver])
      await m().insert(GatheringRsvp, { gatheringId: going.id, userId: person.id, answer: 'yes' });
    await m().insert(GatheringRsvp, { gatheringId: notGoing.id, userId: member.id, answer: 'no' });

    const feedOf = async (email: string) => {
      const agent = await signedInAgent(t.app, email);
      expect((await postForm(agent, '/account/calendar-feed')).status).toBe(303);
      const link = /\/calendar\/[\w-]+\.ics/.exec((await agent.get('/workshops')).text)![0];
      return () => anonymousAgent(t.app).get(link);
    };
    const memberFeed = await feedOf(member.email);
    const leaverFeed = await feedOf(leaver.email);
    const feed = await memberFeed();
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('SUMMARY:Feed potluck');
    expect(feed.text).toContain(`URL:${t.config.baseUrl}/gatherings/${going.id}`);
    expect(feed.text).not.toContain('Said no here');
    expect((await leaverFeed()).text).toContain('SUMMARY:Feed potluck');

    await m().update(User, { id: leaver.id }, { chapterId: b.chapter.id });
    expect((await leaverFeed()).text).not.toContain('Feed potluck');
    const coachAgent = await signedInAgent(t.app, coach.email);
    expect((await postForm(coachAgent, `/gatherings/${going.id}/cancel`)).status).toBe(303);
    expect(await m().countBy(Notification, { userId: member.id, kind: 'gatherings' })).toBe(1);
    expect(await m().countBy(Notification, { userId: leaver.id })).toBe(0);
    expect((await memberFeed()).text).toContain('STATUS:CANCELLED');
  });
});
