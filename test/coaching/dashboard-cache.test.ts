import type { User } from '../../src/accounts/user.entity';
import { CoachAssignment, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'people-first-listening-tour';

/**
 * In production the coach dashboard's data is cached per process (SharedCache). These tests turn
 * that on and check it never shows the coach something stale: changes from elsewhere arrive by the
 * database's change notice, the coach's own actions empty the cache before the response.
 */
describe('cached coach dashboard', () => {
  let t: TestApp;
  let coach: User;
  let organizer: User;
  let coachAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    t.app.enable('view cache');
    const admin = await createUser(db(), { role: 'admin' });
    coach = await createUser(db(), { role: 'coach' });
    organizer = await createUser(db(), { displayName: 'Ada Cached' });
    await db().insert(CoachAssignment, {
      organizerId: organizer.id,
      coachId: coach.id,
      assignedById: admin.id,
    });
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  async function dashboardUntil(contains: string): Promise<string> {
    const until = Date.now() + 5_000;
    for (;;) {
      const page = await coachAgent.get('/coach');
      if (page.text.includes(contains) || Date.now() > until) return page.text;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('shows evidence submitted by another process once the database announces it', async () => {
    const before = await coachAgent.get('/coach');
    expect(before.text).toContain('Nothing is waiting for you.');
    expect(before.text).toContain('Ada Cached');
    // Written straight to the database, as another app process would: only the notice tells us.
    await db().insert(EvidenceSubmission, {
      organizerId: organizer.id,
      milestoneId: MILESTONE,
      attempt: 1,
      body: 'Six conversations with volunteers.',
      links: [],
      status: 'pending',
    });
    const after = await dashboardUntil('Run a listening tour');
    expect(after).not.toContain('Nothing is waiting for you.');
  });

  it("reflects the coach's own review on the very next page, without waiting for a notice", async () => {
    const pending = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });
    expect((await coachAgent.get('/coach')).text).not.toContain('Nothing is waiting for you.');
    const reviewed = await postForm(coachAgent, `/coach/submissions/${pending.id}/review`, {
      decision: 'approved',
      feedback: 'Thorough.',
      revision: String(pending.revision),
    });
    expect(reviewed.status).toBe(303);
    expect((await coachAgent.get('/coach')).text).toContain('Nothing is waiting for you.');
  });
});
