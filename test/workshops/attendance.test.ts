import type { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { WorkshopAttendance, type Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';
import { startWorkshop } from '../helpers/workshops';

const MILESTONE = 'inclusive-community-incident-response-workshop';
const TRACK_URL = '/tracks/civic-tech-chapter-lead';

describe('workshop attendance', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let coach: User;
  let coachAgent: Agent;
  let workshop: Workshop;
  let organizer: User;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    coach = await createUser(db(), { role: 'coach' });
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    const start = new Date(Date.now() + 86_400_000);
    workshop = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Incident response practice',
        description: '',
        milestoneIds: [MILESTONE],
        startsAt: start,
        endsAt: new Date(start.getTime() + 7_200_000),
        timeZone: 'UTC',
        location: 'Library',
        onlineUrl: null,
        capacity: 5,
        chapterId: null,
      }),
    );
    organizer = await createUser(db());
    await t.dataSource.transaction((m) => service.register(m, organizer, workshop.id));
    await startWorkshop(db(), workshop.id);
  });

  const mark = (agent: Agent, user: User, status: string) =>
    postForm(agent, `/workshops/${workshop.id}/attendance`, { [`status:${user.id}`]: status });

  it('completes the workshop milestones when someone is marked present, visible on their progress', async () => {
    const sheet = await coachAgent.get(`/workshops/${workshop.id}/attendance`);
    expect(sheet.text).toContain(organizer.displayName);
    expect((await mark(coachAgent, organizer, 'present')).status).toBe(303);
    expect(
      await db().findOneByOrFail(MilestoneCompletion, { userId: organizer.id, milestoneId: MILESTONE }),
    ).toMatchObject({
      source: 'workshop',
    });
    const track = await (await signedInAgent(t.app, organizer.email)).get(TRACK_URL);
    expect(track.text).toMatch(/1 of \d+ milestones completed/);
  });

  it('a mark sent twice at once is recorded and audited once', async () => {
    const _csrf = await csrfToken(coachAgent); // one token for both: fetching two would race
    const send = () =>
      coachAgent
        .post(`/workshops/${workshop.id}/attendance`)
        .type('form')
        .send({ [`status:${organizer.id}`]: 'present', _csrf });
    const responses = await Promise.all([send(), send()]);
    expect(responses.map((response) => response.status)).toEqual([303, 303]);
    expect(await db().countBy(WorkshopAttendance, { workshopId: workshop.id, userId: organizer.id })).toBe(1);
    expect(await db().countBy(AuditEvent, { action: 'workshop.attendance', subjectId: workshop.id })).toBe(1);
  });

  it('undoes the completion when attendance is corrected, and audits every change', async () => {
    await mark(coachAgent, organizer, 'present');
    await mark(coachAgent, organizer, 'absent');
    expect(await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: MILESTONE })).toBe(0);
    expect(
      await db().findOneByOrFail(WorkshopAttendance, { workshopId: workshop.id, userId: organizer.id }),
    ).toMatchObject({ status: 'absent' });
    const audits = await db().find(AuditEvent, {
      where: { action: 'workshop.attendance', subjectId: workshop.id },
      order: { createdAt: 'ASC' },
    });
    expect(audits.map((a) => [a.details.from, a.details.to])).toEqual([
      [null, 'present'],
      ['present', 'absent'],
    ]);
  });

  it('marks walk-ins present by email and completes their milestones', async () => {
    const walkIn = await createUser(db());
    const response = await postForm(coachAgent, `/workshops/${workshop.id}/walk-ins`, {
      email: walkIn.email.toUpperCase(),
    });
    expect(response.status).toBe(303);
    expect(
      await db().findOneByOrFail(WorkshopAttendance, { workshopId: workshop.id, userId: walkIn.id }),
    ).toMatchObject({
      status: 'present',
      walkIn: true,
    });
    expect(await db().countBy(MilestoneCompletion, { userId: walkIn.id, milestoneId: MILESTONE })).toBe(1);
    const unknown = await postForm(coachAgent, `/workshops/${workshop.id}/walk-ins`, {
      email: 'nobody@example.org',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('No active account has this email');
  });

  it('lets only admins and the workshop facilitators mark attendance', async () => {
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    expect((await mark(organizerAgent, organizer, 'present')).status).toBe(403);
    const otherCoach = await createUser(db(), { role: 'coach' });
    const otherAgent = await signedInAgent(t.app, otherCoach.email);
    expect((await otherAgent.get(`/workshops/${workshop.id}/attendance`)).status).toBe(403);
    expect((await mark(otherAgent, organizer, 'present')).status).toBe(403);
    expect(await db().countBy(MilestoneCompletion, { userId: organizer.id })).toBe(0);
    const admin = await createUser(db(), { role: 'admin' });
    expect((await mark(await signedInAgent(t.app, admin.email), organizer, 'present')).status).toBe(303);
  });

  it('exports attendance as CSV with correct quoting and formulas neutralised', async () => {
    const tricky = await createUser(db(), { displayName: '=HYPERLINK("evil"), "Zoë"' });
    await postForm(coachAgent, `/workshops/${workshop.id}/walk-ins`, { email: tricky.email });
    await mark(coachAgent, organizer, 'present');
    const response = await coachAgent.get(`/workshops/${workshop.id}/attendance.csv`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.text.replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe(
      'person,email,chapter,registration,status,walk-in,marked at (UTC),check-in time (UTC),checked in by,workshop minutes',
    );
    expect(response.text).toContain(`"'=HYPERLINK(""evil""), ""Zoë"""`);
    const organizerLine = lines.find((line) => line.startsWith(organizer.displayName))!;
    expect(organizerLine).toMatch(
      /,registered,present,no,\d{4}-\d{2}-\d{2}T[^,]+,\d{4}-\d{2}-\d{2}T[^,]+,facilitator,120$/,
    );
    const otherCoach = await createUser(db(), { role: 'coach' });
    const stranger = await signedInAgent(t.app, otherCoach.email);
    expect((await stranger.get(`/workshops/${workshop.id}/attendance.csv`)).status).toBe(403);
  });

  it('ignores fields that are not attendance marks or have unknown statuses', async () => {
    const response = await postForm(coachAgent, `/workshops/${workshop.id}/attendance`, {
      [`status:${organizer.id}`]: 'partying',
      role: 'admin',
    });
    expect(response.status).toBe(303);
    expect(await db().countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(0);
  });
});
