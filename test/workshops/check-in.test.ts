import type { User } from '../../src/accounts/user.entity';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import {
  CHECK_IN_WINDOW_MS,
  currentCheckInCode,
  isValidCheckInCode,
} from '../../src/workshops/check-in-codes';
import { Workshop, WorkshopAttendance } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'inclusive-community-incident-response-workshop';

describe('check-in codes', () => {
  const secret = 'a-test-secret';
  const at = new Date('2026-03-03T18:02:00Z');

  it('are six digits that change every window', () => {
    const now = currentCheckInCode(secret, 'w1', at);
    expect(now.code).toMatch(/^\d{6}$/);
    expect(now.changesAt.getTime() % CHECK_IN_WINDOW_MS).toBe(0);
    expect(now.changesAt.getTime()).toBeGreaterThan(at.getTime());
    const next = currentCheckInCode(secret, 'w1', new Date(at.getTime() + CHECK_IN_WINDOW_MS));
    expect(next.code).not.toBe(now.code);
    expect(currentCheckInCode(secret, 'w2', at).code).not.toBe(now.code);
  });

  it('accept the current and the previous code, and expire after that', () => {
    const { code } = currentCheckInCode(secret, 'w1', at);
    expect(isValidCheckInCode(secret, 'w1', code, at)).toBe(true);
    expect(isValidCheckInCode(secret, 'w1', `${code.slice(0, 3)} ${code.slice(3)}`, at)).toBe(true);
    expect(isValidCheckInCode(secret, 'w1', code, new Date(at.getTime() + CHECK_IN_WINDOW_MS))).toBe(true);
    expect(isValidCheckInCode(secret, 'w1', code, new Date(at.getTime() + 2 * CHECK_IN_WINDOW_MS))).toBe(
      false,
    );
    expect(isValidCheckInCode(secret, 'w2', code, at)).toBe(false);
    expect(isValidCheckInCode('another-secret', 'w1', code, at)).toBe(false);
  });
});

describe('self check-in', () => {
  let t: TestApp;
  let service: WorkshopsService;
  let coach: User;
  let coachAgent: Agent;
  let workshop: Workshop;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    service = new WorkshopsService(() => testCatalog(t.config.curriculumDir).current(), t.config.baseUrl);
    coach = await createUser(db(), { role: 'coach' });
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  async function scheduleWorkshop(startsInMs = 86_400_000): Promise<Workshop> {
    const start = new Date(Date.now() + 86_400_000);
    const created = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Facilitation lab',
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
    // New workshops must start in the future; move it to the wanted time directly.
    const startsAt = new Date(Date.now() + startsInMs);
    await db().update(Workshop, created.id, { startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000) });
    return db().findOneByOrFail(Workshop, { id: created.id });
  }

  async function secretOf(id: string): Promise<string> {
    const [row] = await db().query<{ check_in_secret: string }[]>(
      'SELECT check_in_secret FROM workshops WHERE id = $1',
      [id],
    );
    return row.check_in_secret;
  }

  beforeEach(async () => {
    workshop = await scheduleWorkshop(-10 * 60_000);
  });

  it('shows facilitators the current code, and organizers who enter it are marked present', async () => {
    const { code } = currentCheckInCode(await secretOf(workshop.id), workshop.id);
    const page = await coachAgent.get(`/workshops/${workshop.id}/check-in`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(page.text).not.toContain(await secretOf(workshop.id));

    const organizer = await createUser(db());
    const agent = await signedInAgent(t.app, organizer.email);
    const before = await agent.get(`/workshops/${workshop.id}`);
    expect(before.text).toContain('Check-in code shown in the room');
    const response = await postForm(agent, `/workshops/${workshop.id}/check-in`, { code });
    expect(response.status).toBe(303);
    const row = await db().findOneByOrFail(WorkshopAttendance, {
      workshopId: workshop.id,
      userId: organizer.id,
    });
    expect(row).toMatchObject({
      status: 'present',
      selfCheckIn: true,
      walkIn: true,
      markedById: organizer.id,
    });
    expect(row.checkedInAt).toBeInstanceOf(Date);
    expect(await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: MILESTONE })).toBe(1);
    expect((await agent.get(`/workshops/${workshop.id}`)).text).toContain('You are checked in.');

    const csv = await coachAgent.get(`/workshops/${workshop.id}/attendance.csv`);
    const line = csv.text.split('\r\n').find((l) => l.startsWith(organizer.displayName))!;
    expect(line).toMatch(/,present,yes,[^,]+,\d{4}-\d{2}-\d{2}T[^,]+,code,120$/);
  });

  it('refuses a wrong code with a message on the workshop page (post/redirect/get), stores nothing, and blocks guessing after five tries', async () => {
    const organizer = await createUser(db());
    const agent = await signedInAgent(t.app, organizer.email);
    const { code } = currentCheckInCode(await secretOf(workshop.id), workshop.id);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const first = await postForm(agent, `/workshops/${workshop.id}/check-in`, { code: wrong });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/workshops/${workshop.id}#check-in-heading`);
    const shown = await agent.get(`/workshops/${workshop.id}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('That code is not the current one');
    const malformed = await postForm(agent, `/workshops/${workshop.id}/check-in`, { code: 'abc' });
    expect(malformed.status).toBe(303);
    expect((await agent.get(`/workshops/${workshop.id}`)).text).toContain('Enter the six-digit code');
    for (let i = 0; i < 4; i++) await postForm(agent, `/workshops/${workshop.id}/check-in`, { code: wrong });
    const blocked = await postForm(agent, `/workshops/${workshop.id}/check-in`, { code });
    expect(blocked.status).toBe(303);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await agent.get(`/workshops/${workshop.id}`)).text).toContain('Too many wrong check-in codes');
    expect(await db().countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(0);
  });

  it('is closed before the workshop and after it ends', async () => {
    const organizer = await createUser(db());
    const agent = await signedInAgent(t.app, organizer.email);
    for (const startsIn of [2 * 3_600_000, -3 * 3_600_000]) {
      const other = await scheduleWorkshop(startsIn);
      const { code } = currentCheckInCode(await secretOf(other.id), other.id);
      const response = await postForm(agent, `/workshops/${other.id}/check-in`, { code });
      expect(response.status).toBe(303);
      expect((await agent.get(`/workshops/${other.id}`)).text).toContain(
        'Check-in is open from 15 minutes before the start',
      );
      expect((await coachAgent.get(`/workshops/${other.id}/check-in`)).text).toContain(
        'Check-in is open from 15 minutes before the start',
      );
    }
  });

  it('shows the code only to admins and the workshop facilitators', async () => {
    const organizer = await createUser(db());
    expect(
      (await (await signedInAgent(t.app, organizer.email)).get(`/workshops/${workshop.id}/check-in`)).status,
    ).toBe(403);
    const otherCoach = await createUser(db(), { role: 'coach' });
    const otherAgent = await signedInAgent(t.app, otherCoach.email);
    expect((await otherAgent.get(`/workshops/${workshop.id}/check-in`)).status).toBe(403);
    const admin = await createUser(db(), { role: 'admin' });
    expect(
      (await (await signedInAgent(t.app, admin.email)).get(`/workshops/${workshop.id}/check-in`)).status,
    ).toBe(200);
  });
});
