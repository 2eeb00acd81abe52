import { User as User_, type User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import {
  CoachAssignment,
  CoachRequest,
  EvidenceSubmission,
  SubmissionReview,
} from '../../src/coaching/coaching.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'people-first-listening-tour';
const WORKSHOP_MILESTONE = 'inclusive-community-incident-response-workshop';

describe('coaching', () => {
  let t: TestApp;
  let admin: User;
  let adminAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(db(), { role: 'admin' });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterEach(() => t.close());

  const assign = (organizer: User, coach: User, extra: Record<string, string> = {}) =>
    postForm(adminAgent, `/admin/people/${organizer.id}/coach`, { coachId: coach.id, ...extra });

  async function submitEvidence(
    agent: Agent,
    body = 'I talked with six volunteers. Patterns: belonging, time, asks.',
  ) {
    return postForm(agent, `/me/milestones/${MILESTONE}`, { body, links: 'https://example.org/notes' });
  }

  async function latestSubmission(organizer: User) {
    return db().findOneOrFail(EvidenceSubmission, {
      where: { organizerId: organizer.id },
      order: { attempt: 'DESC' },
    });
  }

  describe('assignment', () => {
    it('assigns a coach, writes an audit row and emails both people', async () => {
      const organizer = await createUser(db());
      const coach = await createUser(db(), { role: 'coach' });
      const response = await assign(organizer, coach);
      expect(response.status).toBe(303);
      const active = await db().findOneByOrFail(CoachAssignment, { organizerId: organizer.id });
      expect(active).toMatchObject({ coachId: coach.id, endedAt: null, assignedById: admin.id });
      expect(await db().countBy(AuditEvent, { action: 'coaching.assigned', subjectId: organizer.id })).toBe(
        1,
      );
      expect(await db().countBy(OutboxMessage, { toAddress: coach.email })).toBe(1);
      expect(await db().countBy(OutboxMessage, { toAddress: organizer.email })).toBe(1);
      const me = await (await signedInAgent(t.app, organizer.email)).get('/me');
      expect(me.text).toContain(coach.displayName);
      expect(me.text).toContain(`mailto:${coach.email}`);
    });

    it('allows at most one active coach per organizer, enforced by the database', async () => {
      const organizer = await createUser(db());
      const [a, b] = [await createUser(db(), { role: 'coach' }), await createUser(db(), { role: 'coach' })];
      await db().insert(CoachAssignment, {
        organizerId: organizer.id,
        coachId: a.id,
        assignedById: admin.id,
      });
      await expect(
        db().insert(CoachAssignment, { organizerId: organizer.id, coachId: b.id, assignedById: admin.id }),
      ).rejects.toThrow(/coach_assignments_one_active_per_organizer/);
    });

    it('needs a reason to reassign, ends the old assignment with it and keeps the history', async () => {
      const organizer = await createUser(db());
      const [first, second] = [
        await createUser(db(), { role: 'coach' }),
        await createUser(db(), { role: 'coach' }),
      ];
      await assign(organizer, first);
      const noReason = await assign(organizer, second);
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('Say why the current coach is being replaced');
      const ok = await assign(organizer, second, { reason: 'Moved to another city' });
      expect(ok.status).toBe(303);
      const history = await db().find(CoachAssignment, {
        where: { organizerId: organizer.id },
        order: { startedAt: 'ASC' },
      });
      expect(history).toHaveLength(2);
      expect(history[0]).toMatchObject({ coachId: first.id, endReason: 'Moved to another city' });
      expect(history[0].endedAt).not.toBeNull();
      expect(history[1]).toMatchObject({ coachId: second.id, endedAt: null });
      const page = await adminAgent.get(`/admin/people/${organizer.id}/coach`);
      expect(page.text).toContain('Moved to another city');
    });

    it('refuses to go past capacity without an explicit override', async () => {
      const coach = await createUser(db(), { role: 'coach', coachCapacity: 1 });
      await assign(await createUser(db()), coach);
      const second = await createUser(db());
      const refused = await assign(second, coach);
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('is at capacity (1 of 1)');
      expect(await db().countBy(CoachAssignment, { organizerId: second.id })).toBe(0);
      const forced = await assign(second, coach, { overrideCapacity: 'yes' });
      expect(forced.status).toBe(303);
      expect(await db().findOneByOrFail(CoachAssignment, { organizerId: second.id })).toMatchObject({
        overCapacity: true,
      });
    });

    it("lets admins edit a coach's capacity, within 0 to 100", async () => {
      const coach = await createUser(db(), { role: 'coach' });
      expect((await adminAgent.get(`/admin/people/${coach.id}`)).text).toContain('value="8"');
      expect(
        (await postForm(adminAgent, `/admin/people/${coach.id}`, { role: 'coach', coachCapacity: '3' }))
          .status,
      ).toBe(303);
      expect(await db().findOneByOrFail(User_, { id: coach.id })).toMatchObject({ coachCapacity: 3 });
      const bad = await postForm(adminAgent, `/admin/people/${coach.id}`, {
        role: 'coach',
        coachCapacity: '-1',
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Capacity cannot be negative.');
    });

    it('ranks coaches: same chapter first, then free places, then fewest reviews waiting, and explains why', async () => {
      const boston = await createChapter(db(), { name: 'Code for Boston' });
      const organizer = await createUser(db(), { chapterId: boston.id });
      const sameChapterFull = await createUser(db(), {
        role: 'coach',
        chapterId: boston.id,
        coachCapacity: 1,
        displayName: 'Ana Same',
      });
      await db().insert(CoachAssignment, {
        organizerId: (await createUser(db())).id,
        coachId: sameChapterFull.id,
        assignedById: admin.id,
      });
      await createUser(db(), { role: 'coach', coachCapacity: 10, displayName: 'Bo Roomy' });
      const busy = await createUser(db(), { role: 'coach', coachCapacity: 10, displayName: 'Cy Busy' });
      const busyOrganizer = await createUser(db());
      await db().insert(CoachAssignment, {
        organizerId: busyOrganizer.id,
        coachId: busy.id,
        assignedById: admin.id,
      });
      await db().insert(EvidenceSubmission, {
        organizerId: busyOrganizer.id,
        milestoneId: MILESTONE,
        attempt: 1,
        body: 'x',
        links: [],
      });
      const page = await adminAgent.get(`/admin/people/${organizer.id}/coach`);
      const order = ['Ana Same', 'Bo Roomy', 'Cy Busy'].map((name) => page.text.indexOf(name));
      expect(order.every((i) => i > 0)).toBe(true);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      expect(page.text).toContain('same chapter · full (1 of 1) · 0 reviews waiting');
      expect(page.text).toContain('other chapter · 9 of 10 places free · 1 review waiting');
    });

    it('lets an organizer without a coach ask for one, once; the request shows in the admin queue until assigned', async () => {
      const organizer = await createUser(db());
      const agent = await signedInAgent(t.app, organizer.email);
      expect((await postForm(agent, '/me/coach-request', { message: 'Evenings work best' })).status).toBe(
        303,
      );
      expect((await postForm(agent, '/me/coach-request', {})).status).toBe(409);
      expect((await adminAgent.get('/admin/coach-requests')).text).toContain('Evenings work best');
      await assign(organizer, await createUser(db(), { role: 'coach' }));
      expect(await db().findOneByOrFail(CoachRequest, { organizerId: organizer.id })).toHaveProperty(
        'resolvedAt',
        expect.any(Date),
      );
      expect((await adminAgent.get('/admin/coach-requests')).text).toContain('No open requests.');
    });
  });

  describe('evidence and review', () => {
    let organizer: User;
    let coach: User;
    let organizerAgent: Agent;
    let coachAgent: Agent;

    beforeEach(async () => {
      organizer = await createUser(db());
      coach = await createUser(db(), { role: 'coach' });
      await assign(organizer, coach);
      organizerAgent = await signedInAgent(t.app, organizer.email);
      coachAgent = await signedInAgent(t.app, coach.email);
    });

    const review = async (agent: Agent, submission: EvidenceSubmission, decision: string, feedback = '') =>
      postForm(agent, `/coach/submissions/${submission.id}/review`, {
        decision,
        feedback,
        revision: String(submission.revision),
      });

    it('runs the whole loop: submit, changes requested, resubmit, approve; the thread shows everything in order', async () => {
      expect((await submitEvidence(organizerAgent)).status).toBe(303);
      const first = await latestSubmission(organizer);
      expect(first).toMatchObject({ attempt: 1, status: 'pending', links: ['https://example.org/notes'] });
      const coachMail = await db().find(OutboxMessage, { where: { toAddress: coach.email } });
      expect(coachMail.some((m) => m.subject.includes('submitted evidence'))).toBe(true);

      expect((await coachAgent.get('/coach')).text).toContain(`/coach/submissions/${first.id}`);
      const noFeedback = await review(coachAgent, first, 'changes_requested');
      expect(noFeedback.status).toBe(400);
      expect(
        (await review(coachAgent, first, 'changes_requested', 'Add the **two lapsed** volunteers.')).status,
      ).toBe(303);
      expect(await db().findOneByOrFail(EvidenceSubmission, { id: first.id })).toMatchObject({
        status: 'changes_requested',
      });

      const me = await organizerAgent.get('/me');
      expect(me.text).toContain('Feedback waiting for you');
      expect((await submitEvidence(organizerAgent, 'Now with the two lapsed volunteers.')).status).toBe(303);
      const second = await latestSubmission(organizer);
      expect(second.attempt).toBe(2);
      expect((await review(coachAgent, second, 'approved', 'Great work.')).status).toBe(303);

      expect(await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: MILESTONE })).toBe(
        1,
      );
      const actions = (await db().find(AuditEvent, { order: { createdAt: 'ASC' } })).map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['coaching.submitted', 'coaching.changes_requested', 'coaching.approved']),
      );
      const thread = await organizerAgent.get(`/me/milestones/${MILESTONE}`);
      const positions = ['Attempt 1', '<strong>two lapsed</strong>', 'Attempt 2', 'Great work.'].map((s) =>
        thread.text.indexOf(s),
      );
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect((await organizerAgent.get('/me')).text).not.toContain('Feedback waiting for you');
    });

    it('"Feedback waiting for you" shows each milestone once, with its newest decision', async () => {
      expect((await submitEvidence(organizerAgent)).status).toBe(303);
      const first = await latestSubmission(organizer);
      expect((await review(coachAgent, first, 'changes_requested', 'Add the volunteers.')).status).toBe(303);
      expect((await submitEvidence(organizerAgent, 'Now with the volunteers.')).status).toBe(303);
      const second = await latestSubmission(organizer);
      expect((await review(coachAgent, second, 'approved', 'Great work.')).status).toBe(303);
      // Both reviews are still unread: the organizer has not opened the milestone's thread.
      expect(
        await db()
          .createQueryBuilder(SubmissionReview, 'r')
          .innerJoin('r.submission', 's')
          .where('s.organizer_id = :id AND r.read_by_organizer_at IS NULL', { id: organizer.id })
          .getCount(),
      ).toBe(2);

      const me = await organizerAgent.get('/me');
      const waiting = me.text.slice(
        me.text.indexOf('Feedback waiting for you'),
        me.text.indexOf('Your tracks'),
      );
      expect(waiting).toContain(`/me/milestones/${MILESTONE}`);
      expect(waiting.split(`/me/milestones/${MILESTONE}`)).toHaveLength(2);
      expect(waiting).toContain('signed off');
      expect(waiting).not.toContain('changes requested');
    });

    it('renders hostile evidence and feedback inert, and refuses overlong or huge bodies', async () => {
      const hostile =
        '<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n**bold**';
      expect((await submitEvidence(organizerAgent, hostile)).status).toBe(303);
      const submission = await latestSubmission(organizer);
      await review(
        coachAgent,
        submission,
        'changes_requested',
        '<a href="javascript:alert(4)" onclick="x()">see</a> <script>bad()</script>',
      );
      for (const page of [
        await coachAgent.get(`/coach/submissions/${submission.id}`),
        await organizerAgent.get(`/me/milestones/${MILESTONE}`),
      ]) {
        const thread = page.text.slice(page.text.indexOf('class="thread"'));
        expect(thread).not.toMatch(/<script|onerror|onclick|javascript:/i);
        expect(thread).toContain('<strong>bold</strong>');
      }
      const tooLong = await submitEvidence(organizerAgent, 'x'.repeat(10_001));
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('Your evidence can be at most 10,000 characters.');
      const huge = await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, {
        body: 'x'.repeat(1_000_000),
      });
      expect(huge.status).toBe(413);
      const badLink = await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, {
        body: 'ok',
        links: 'javascript:alert(1)',
      });
      expect(badLink.status).toBe(400);
      expect(await db().countBy(EvidenceSubmission, { organizerId: organizer.id })).toBe(1);
    });

    it('lets only the current coach or an admin review; former coaches read only; nobody reviews their own work', async () => {
      await submitEvidence(organizerAgent);
      const submission = await latestSubmission(organizer);
      const otherCoach = await createUser(db(), { role: 'coach' });
      const otherAgent = await signedInAgent(t.app, otherCoach.email);
      expect((await otherAgent.get(`/coach/submissions/${submission.id}`)).status).toBe(403);
      expect((await review(otherAgent, submission, 'approved')).status).toBe(403);
      expect((await review(organizerAgent, submission, 'approved')).status).toBe(403);
      const otherOrganizer = await createUser(db());
      expect(
        (await (await signedInAgent(t.app, otherOrganizer.email)).get(`/coach/submissions/${submission.id}`))
          .status,
      ).toBe(403);

      await assign(organizer, otherCoach, { reason: 'Schedule change' });
      expect((await coachAgent.get(`/coach/submissions/${submission.id}`)).status).toBe(200);
      expect((await review(coachAgent, submission, 'approved')).status).toBe(403);
      expect((await otherAgent.get(`/coach/submissions/${submission.id}`)).text).toContain('Your review');
      expect((await review(adminAgent, submission, 'approved')).status).toBe(303);
      expect(await db().countBy(SubmissionReview, { submissionId: submission.id })).toBe(1);
    });

    it('refuses a review of a version the coach did not read, and records one review on a double click', async () => {
      await submitEvidence(organizerAgent);
      const opened = await latestSubmission(organizer);
      expect((await submitEvidence(organizerAgent, 'Edited after the coach opened it.')).status).toBe(303);
      const stale = await review(coachAgent, opened, 'approved');
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('changed this evidence after you opened it');
      const current = await latestSubmission(organizer);
      expect(current.revision).toBe(2);
      const clicks = await Promise.all([
        review(coachAgent, current, 'approved'),
        review(coachAgent, current, 'approved'),
      ]);
      expect(clicks.map((r) => r.status).sort()).toEqual([303, 409]);
      expect(await db().countBy(SubmissionReview, { submissionId: current.id })).toBe(1);
      expect(await db().countBy(MilestoneCompletion, { userId: organizer.id })).toBe(1);
    });

    it('lets an admin withdraw an approval with a reason, which reopens the milestone', async () => {
      await submitEvidence(organizerAgent);
      const submission = await latestSubmission(organizer);
      await review(coachAgent, submission, 'approved');
      expect(
        (await postForm(coachAgent, `/admin/submissions/${submission.id}/withdraw`, { reason: 'x' })).status,
      ).toBe(403);
      expect(
        (
          await postForm(adminAgent, `/admin/submissions/${submission.id}/withdraw`, {
            reason: 'Evidence was copied',
          })
        ).status,
      ).toBe(303);
      expect(await db().findOneByOrFail(EvidenceSubmission, { id: submission.id })).toMatchObject({
        status: 'withdrawn',
      });
      expect(await db().findOneByOrFail(SubmissionReview, { submissionId: submission.id })).toMatchObject({
        withdrawReason: 'Evidence was copied',
      });
      expect(await db().countBy(MilestoneCompletion, { userId: organizer.id })).toBe(0);
      expect(await db().countBy(AuditEvent, { action: 'coaching.approval_withdrawn' })).toBe(1);
      expect((await submitEvidence(organizerAgent, 'A fresh, original write-up.')).status).toBe(303);
    });

    it('does not take evidence for workshop milestones', async () => {
      const response = await postForm(organizerAgent, `/me/milestones/${WORKSHOP_MILESTONE}`, {
        body: 'I was there',
      });
      expect(response.status).toBe(400);
      expect(await db().countBy(EvidenceSubmission, { organizerId: organizer.id })).toBe(0);
    });
  });
});
