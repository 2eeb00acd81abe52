import type { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { CoachAssignment, CoachSession } from '../../src/coaching/coaching.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';

describe('coach dashboard and sessions', () => {
  let t: TestApp;
  const counter = new QueryCounter();
  let admin: User;
  let coach: User;
  let coachAgent: Agent;
  const db = () => t.dataSource.manager;
  const anonymousAgentFor = () => anonymousAgent(t.app);

  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter, env: { STALLED_AFTER_DAYS: '30' } });
    admin = await createUser(db(), { role: 'admin' });
    coach = await createUser(db(), { role: 'coach', coachCapacity: 60 });
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  async function assigned(overrides: Partial<User> = {}): Promise<User> {
    const organizer = await createUser(db(), overrides);
    await db().insert(CoachAssignment, {
      organizerId: organizer.id,
      coachId: coach.id,
      assignedById: admin.id,
    });
    return organizer;
  }

  it('runs a constant number of queries for 50 organizers with 2,000 submissions (no N+1)', async () => {
    const organizers: User[] = [];
    for (let i = 0; i < 50; i += 1) organizers.push(await assigned());
    await t.dataSource.query(
      `INSERT INTO evidence_submissions (organizer_id, milestone_id, attempt, body, links, status, submitted_at)
       SELECT o.id, 'people-first-listening-tour', g, 'evidence ' || g, '[]'::jsonb,
              CASE WHEN g = 40 THEN 'pending' ELSE 'changes_requested' END, now() - (g || ' hours')::interval
         FROM unnest($1::uuid[]) AS o(id), generate_series(1, 40) AS g`,
      [organizers.map((o) => o.id)],
    );
    counter.queries = [];
    const page = await coachAgent.get('/coach');
    expect(page.status).toBe(200);
    expect(page.text.match(/href="\/coach\/submissions\//g)).toHaveLength(50);
    expect(page.text.match(/href="\/coach\/organizers\//g)?.length).toBeGreaterThanOrEqual(50);
    const queriesFor50 = counter.queries.length;
    expect(queriesFor50).toBeLessThanOrEqual(5);

    await assigned();
    counter.queries = [];
    await coachAgent.get('/coach');
    expect(counter.queries.length).toBe(queriesFor50);
  });

  it('flags organizers with no activity for the configured number of days as stalled', async () => {
    const quiet = await assigned({
      displayName: 'Quiet Quinn',
      lastLoginAt: new Date(Date.now() - 40 * 86_400_000),
    });
    const busy = await assigned({ displayName: 'Busy Bea', lastLoginAt: new Date() });
    const page = await coachAgent.get('/coach');
    const row = (name: string) =>
      page.text.slice(page.text.indexOf(name), page.text.indexOf('</tr>', page.text.indexOf(name)));
    expect(row(quiet.displayName)).toContain('Stalled');
    expect(row(busy.displayName)).toContain('Active');
  });

  it('lets the current coach log a session: private notes for coach and admins, next step for the organizer', async () => {
    const organizer = await assigned();
    const response = await postForm(coachAgent, `/coach/organizers/${organizer.id}/sessions`, {
      heldOn: new Date().toISOString().slice(0, 10),
      durationMinutes: '45',
      privateNotes: 'Seems tired; workload at work.',
      nextStep: 'Draft the hack night agenda by Friday',
    });
    expect(response.status).toBe(303);
    expect(await db().countBy(CoachSession, { organizerId: organizer.id })).toBe(1);
    expect(
      await db().countBy(AuditEvent, { action: 'coaching.session_logged', subjectId: organizer.id }),
    ).toBe(1);

    const record = await coachAgent.get(`/coach/organizers/${organizer.id}`);
    expect(record.text).toContain('Seems tired');
    const adminView = await (
      await signedInAgent(t.app, admin.email)
    ).get(`/coach/organizers/${organizer.id}`);
    expect(adminView.text).toContain('Seems tired');
    const me = await (await signedInAgent(t.app, organizer.email)).get('/me');
    expect(me.text).toContain('Draft the hack night agenda by Friday');
    expect(me.text).not.toContain('Seems tired');
    const mail = await db().find(OutboxMessage);
    expect(mail.some((m) => m.bodyText.includes('Seems tired'))).toBe(false);

    const nextCoach = await createUser(db(), { role: 'coach' });
    await db().update(
      CoachAssignment,
      { organizerId: organizer.id },
      { endedAt: new Date(), endReason: 'handover' },
    );
    await db().insert(CoachAssignment, {
      organizerId: organizer.id,
      coachId: nextCoach.id,
      assignedById: admin.id,
    });
    const nextView = await (
      await signedInAgent(t.app, nextCoach.email)
    ).get(`/coach/organizers/${organizer.id}`);
    expect(nextView.text).toContain('Draft the hack night agenda');
    expect(nextView.text).not.toContain('Seems tired');
    const formerView = await coachAgent.get(`/coach/organizers/${organizer.id}`);
    expect(formerView.text).toContain('read-only');
    expect(formerView.text).not.toContain('Log a session');
    const formerPost = await postForm(coachAgent, `/coach/organizers/${organizer.id}/sessions`, {
      heldOn: '2026-01-01',
      durationMinutes: '10',
    });
    expect(formerPost.status).toBe(403);
  });

  it('logs a session submitted twice at once only once, answering both the same way', async () => {
    const organizer = await assigned();
    const fields = {
      heldOn: new Date().toISOString().slice(0, 10),
      durationMinutes: '30',
      privateNotes: 'Double click',
      nextStep: 'Book the room',
    };
    const _csrf = await csrfToken(coachAgent); // one token for both: fetching two would race
    const post = () =>
      coachAgent
        .post(`/coach/organizers/${organizer.id}/sessions`)
        .type('form')
        .send({ ...fields, _csrf });
    const responses = await Promise.all([post(), post()]);
    expect(responses.map((response) => response.status)).toEqual([303, 303]);
    expect(await db().countBy(CoachSession, { organizerId: organizer.id })).toBe(1);
    expect(
      await db().countBy(AuditEvent, { action: 'coaching.session_logged', subjectId: organizer.id }),
    ).toBe(1);
    // A different session the same day is a new one.
    expect((await post().send({ nextStep: 'Something else' })).status).toBe(303);
    expect(await db().countBy(CoachSession, { organizerId: organizer.id })).toBe(2);
  });

  it('refuses bad session input with field messages, and strangers', async () => {
    const organizer = await assigned();
    const bad = await postForm(coachAgent, `/coach/organizers/${organizer.id}/sessions`, {
      heldOn: '2999-01-01',
      durationMinutes: '0',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('The date cannot be in the future.');
    expect(bad.text).toContain('Enter at least 1 minute.');
    const stranger = await createUser(db(), { role: 'coach' });
    expect(
      (await (await signedInAgent(t.app, stranger.email)).get(`/coach/organizers/${organizer.id}`)).status,
    ).toBe(403);
    const otherAgent = await signedInAgent(t.app, (await createUser(db())).email);
    expect((await otherAgent.get(`/coach/organizers/${organizer.id}`)).status).toBe(403);
    const sneaky = { heldOn: '2026-01-01', durationMinutes: '10', privateNotes: 'x' };
    expect((await postForm(otherAgent, `/coach/organizers/${organizer.id}/sessions`, sneaky)).status).toBe(
      403,
    );
    expect((await anonymousAgentFor().get(`/coach/organizers/${organizer.id}`)).status).toBe(303);
    expect(await db().countBy(CoachSession, { organizerId: organizer.id })).toBe(0);
  });
});
