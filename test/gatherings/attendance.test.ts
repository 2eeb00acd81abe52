import { In } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { Certificate } from '../../src/certificates/certificate.entities';
import { GatheringAttendance, GatheringRsvp } from '../../src/gatherings/gathering.entities';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';
import { chapterWithCohort } from '../circles/helpers';
import { createGathering } from './helpers';

describe('gatherings: RSVP capacity, check-in and attendance', () => {
  let t: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // A second app process on the same database, like a second server behind the load balancer.
    second = await startTestApp({ databaseName: t.databaseName });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });
  const m = () => t.dataSource.manager;

  async function setting() {
    const a = await chapterWithCohort(t.dataSource);
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const circle = { id: a.chapterCircle.id, chapterId: a.chapter.id };
    return { ...a, coach, circle };
  }

  async function secretOf(id: string): Promise<string> {
    const [row] = await m().query<{ check_in_secret: string }[]>(
      'SELECT check_in_secret FROM gatherings WHERE id = $1',
      [id],
    );
    return row.check_in_secret;
  }

  it('gives the last places to exactly as many people as the capacity when many answer yes at once, across two processes', async () => {
    const { chapter, coach, circle } = await setting();
    const gathering = await createGathering(m(), circle, coach.id, { capacity: 5 });
    const people = await Promise.all(
      Array.from({ length: 12 }, () => createUser(m(), { chapterId: chapter.id })),
    );
    const agents: Agent[] = [];
    for (const [i, person] of people.entries())
      agents.push(await signedInAgent(i % 2 ? second.app : t.app, person.email));
    const tokens = await Promise.all(agents.map((agent) => csrfToken(agent)));
    const responses = await Promise.all(
      agents.map((agent, i) =>
        agent.post(`/gatherings/${gathering.id}/rsvp`).type('form').send({ answer: 'yes', _csrf: tokens[i] }),
      ),
    );
    expect(responses.filter((r) => r.status === 303)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(7);
    expect(responses.find((r) => r.status === 409)!.text).toContain('This gathering is full');
    expect(await m().countBy(GatheringRsvp, { gatheringId: gathering.id, answer: 'yes' })).toBe(5);

    // Saying no frees a place, which the next "yes" takes.
    const seated = await m().findOneByOrFail(GatheringRsvp, { gatheringId: gathering.id, answer: 'yes' });
    const seatedAgent = agents[people.findIndex((p) => p.id === seated.userId)];
    expect((await postForm(seatedAgent, `/gatherings/${gathering.id}/rsvp`, { answer: 'no' })).status).toBe(
      303,
    );
    const waiting = agents[responses.findIndex((r) => r.status === 409)];
    expect((await postForm(waiting, `/gatherings/${gathering.id}/rsvp`, { answer: 'yes' })).status).toBe(303);
    expect(await m().countBy(GatheringRsvp, { gatheringId: gathering.id, answer: 'yes' })).toBe(5);
    expect(await m().countBy(GatheringRsvp, { gatheringId: gathering.id, answer: 'no' })).toBe(1);
  });

  it('refuses answers from hosts who are not members and after the start; ignores an unknown answer', async () => {
    const { chapter, coach, circle } = await setting();
    const admin = await createUser(m(), { role: 'admin' });
    const member = await createUser(m(), { chapterId: chapter.id });
    const upcoming = await createGathering(m(), circle, coach.id);
    const started = await createGathering(m(), circle, coach.id, { startsInHours: -0.1 });
    expect(
      (
        await postForm(await signedInAgent(t.app, admin.email), `/gatherings/${upcoming.id}/rsvp`, {
          answer: 'yes',
        })
      ).status,
    ).toBe(403);
    const agent = await signedInAgent(t.app, member.email);
    expect((await postForm(agent, `/gatherings/${started.id}/rsvp`, { answer: 'yes' })).status).toBe(409);
    const bad = await postForm(agent, `/gatherings/${upcoming.id}/rsvp`, { answer: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose a valid answer.');
    expect(await m().countBy(GatheringRsvp, { userId: member.id })).toBe(0);
    const ics = await agent.get(`/gatherings/${upcoming.id}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain(`UID:${upcoming.id}@organizer-academy`);
    expect(ics.text).toContain('SUMMARY:Potluck');
    expect(ics.text).toContain('LOCATION:The park');
  });

  it('checks a member in with the code shown by a host; marks nothing else: no milestone, no certificate', async () => {
    const { chapter, coach, circle } = await setting();
    const gathering = await createGathering(m(), circle, coach.id, { startsInHours: -0.1 });
    const member = await createUser(m(), { chapterId: chapter.id });
    const coachAgent = await signedInAgent(t.app, coach.email);
    const { code } = currentCheckInCode(await secretOf(gathering.id), gathering.id);
    const codePage = await coachAgent.get(`/gatherings/${gathering.id}/check-in`);
    expect(codePage.status).toBe(200);
    expect(codePage.text).toContain(`${code.slice(0, 3)} ${code.slice(3)}`);

    const agent = await signedInAgent(t.app, member.email);
    expect((await agent.get(`/gatherings/${gathering.id}/check-in`)).status).toBe(403);
    const response = await postForm(agent, `/gatherings/${gathering.id}/check-in`, { code });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/gatherings/${gathering.id}#check-in-heading`);
    expect(
      await m().findOneByOrFail(GatheringAttendance, { gatheringId: gathering.id, userId: member.id }),
    ).toMatchObject({
      status: 'present',
      selfCheckIn: true,
      walkIn: true,
      markedById: member.id,
    });
    expect((await agent.get(`/gatherings/${gathering.id}`)).text).toContain('You are checked in.');
    expect(await m().countBy(MilestoneCompletion, { userId: member.id })).toBe(0);
    expect(await m().countBy(Certificate, { userId: member.id })).toBe(0);
    expect(await m().countBy(AuditEvent, { action: 'gathering.checked_in', subjectId: gathering.id })).toBe(
      1,
    );
  });

  it('counts wrong codes before comparing and blocks guessing after five', async () => {
    const { chapter, coach, circle } = await setting();
    const gathering = await createGathering(m(), circle, coach.id, { startsInHours: -0.1 });
    const member = await createUser(m(), { chapterId: chapter.id });
    const agent = await signedInAgent(t.app, member.email);
    const { code } = currentCheckInCode(await secretOf(gathering.id), gathering.id);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++)
      await postForm(agent, `/gatherings/${gathering.id}/check-in`, { code: wrong });
    expect((await agent.get(`/gatherings/${gathering.id}`)).text).toContain(
      'That code is not the current one',
    );
    const blocked = await postForm(agent, `/gatherings/${gathering.id}/check-in`, { code });
    expect(blocked.status).toBe(303);
    expect((await agent.get(`/gatherings/${gathering.id}`)).text).toContain('Too many wrong check-in codes');
    expect(await m().countBy(GatheringAttendance, { gatheringId: gathering.id })).toBe(0);
  });

  it('refuses check-in to hosts (they see the code), to outsiders (404) and outside the window', async () => {
    const { chapter, coach, circle } = await setting();
    const other = await chapterWithCohort(t.dataSource);
    const now = await createGathering(m(), circle, coach.id, { startsInHours: -0.1 });
    const later = await createGathering(m(), circle, coach.id, { startsInHours: 5 });
    const member = await createUser(m(), { chapterId: chapter.id });
    const outsider = await createUser(m(), { chapterId: other.chapter.id });
    const { code } = currentCheckInCode(await secretOf(now.id), now.id);
    const coachAgent = await signedInAgent(t.app, coach.email);
    expect((await postForm(coachAgent, `/gatherings/${now.id}/check-in`, { code })).status).toBe(403);
    expect(
      (await postForm(await signedInAgent(t.app, outsider.email), `/gatherings/${now.id}/check-in`, { code }))
        .status,
    ).toBe(404);
    const agent = await signedInAgent(t.app, member.email);
    const early = currentCheckInCode(await secretOf(later.id), later.id).code;
    await postForm(agent, `/gatherings/${later.id}/check-in`, { code: early });
    expect((await agent.get(`/gatherings/${later.id}`)).text).toContain(
      'Check-in is open from 15 minutes before the start',
    );
    expect(await m().countBy(GatheringAttendance, { userId: In([coach.id, outsider.id, member.id]) })).toBe(
      0,
    );
  });

  it('lets hosts mark people who said yes and walk-ins of the circle, never themselves', async () => {
    const { chapter, coach, circle } = await setting();
    const other = await chapterWithCohort(t.dataSource);
    const coHost = await createUser(m(), { role: 'coach', chapterId: chapter.id });
    const yes = await createUser(m(), { chapterId: chapter.id });
    const walkIn = await createUser(m(), { chapterId: chapter.id });
    const stranger = await createUser(m(), { chapterId: other.chapter.id });
    const gathering = await createGathering(m(), circle, coach.id, { startsInHours: -0.5 });
    await m().insert(GatheringRsvp, { gatheringId: gathering.id, userId: yes.id, answer: 'yes' });
    const agent = await signedInAgent(t.app, coach.email);
    const sheet = await agent.get(`/gatherings/${gathering.id}/attendance`);
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain(yes.displayName);

    expect(
      (await postForm(agent, `/gatherings/${gathering.id}/attendance`, { [`status:${yes.id}`]: 'present' }))
        .status,
    ).toBe(303);
    expect(
      (await postForm(agent, `/gatherings/${gathering.id}/walk-ins`, { email: walkIn.email })).status,
    ).toBe(303);
    const refusedStranger = await postForm(agent, `/gatherings/${gathering.id}/walk-ins`, {
      email: stranger.email,
    });
    expect(refusedStranger.status).toBe(400);
    expect(refusedStranger.text).toContain('No active member of this circle has this email');
    expect(
      (
        await postForm(agent, `/gatherings/${gathering.id}/attendance`, {
          [`status:${stranger.id}`]: 'present',
        })
      ).status,
    ).toBe(400);
    expect(
      (await postForm(agent, `/gatherings/${gathering.id}/walk-ins`, { email: coach.email })).status,
    ).toBe(403);
    expect(
      (await postForm(agent, `/gatherings/${gathering.id}/attendance`, { [`status:${coach.id}`]: 'present' }))
        .status,
    ).toBe(403);
    // Another host may mark the first one.
    const coHostAgent = await signedInAgent(t.app, coHost.email);
    expect(
      (await postForm(coHostAgent, `/gatherings/${gathering.id}/walk-ins`, { email: coach.email })).status,
    ).toBe(303);

    const rows = await m().find(GatheringAttendance, { where: { gatheringId: gathering.id } });
    const byPerson = new Map(rows.map((r) => [r.userId, r]));
    expect(byPerson.get(yes.id)).toMatchObject({ status: 'present', walkIn: false, markedById: coach.id });
    expect(byPerson.get(walkIn.id)).toMatchObject({ status: 'present', walkIn: true, markedById: coach.id });
    expect(byPerson.get(coach.id)).toMatchObject({ status: 'present', markedById: coHost.id });
    expect(byPerson.has(stranger.id)).toBe(false);
    expect(await m().countBy(MilestoneCompletion, { userId: yes.id })).toBe(0);

    // A member cannot see the sheet; marking before the window is refused.
    expect(
      (await (await signedInAgent(t.app, yes.email)).get(`/gatherings/${gathering.id}/attendance`)).status,
    ).toBe(403);
    const future = await createGathering(m(), circle, coach.id, { startsInHours: 3 });
    await m().insert(GatheringRsvp, { gatheringId: future.id, userId: yes.id, answer: 'yes' });
    expect(
      (await postForm(agent, `/gatherings/${future.id}/attendance`, { [`status:${yes.id}`]: 'present' }))
        .status,
    ).toBe(409);
    expect(await m().countBy(GatheringAttendance, { gatheringId: future.id })).toBe(0);
  });
});
