import type { User } from '../../src/accounts/user.entity';
import { Like, Not } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import {
  CoachAssignment,
  CoachSession,
  EvidenceSubmission,
  SubmissionReview,
} from '../../src/coaching/coaching.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { Workshop, WorkshopAttendance, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser, createWorkshop } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'people-first-listening-tour';
const WORKSHOP_MILESTONE = 'inclusive-community-incident-response-workshop';

describe('separation of duties', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function submit(agent: Agent, milestoneId = MILESTONE) {
    return postForm(agent, `/me/milestones/${milestoneId}`, { body: 'What I did and learnt.', links: '' });
  }
  const review = (agent: Agent, submission: EvidenceSubmission) =>
    postForm(agent, `/coach/submissions/${submission.id}/review`, {
      decision: 'approved',
      feedback: '',
      revision: String(submission.revision),
    });
  async function workshopBy(
    facilitator: User,
    startsInMinutes: number,
    chapterId: string | null = null,
    registered: User[] = [],
  ): Promise<Workshop> {
    const startsAt = new Date(Date.now() + startsInMinutes * 60_000);
    const workshop = await createWorkshop(db(), {
      title: 'Practice',
      milestoneIds: [WORKSHOP_MILESTONE],
      startsAt,
      capacity: 10,
      chapterId,
      createdById: facilitator.id,
      checkInSecret: `secret-${facilitator.id}-${startsInMinutes}`,
    });
    await db().query('INSERT INTO workshop_facilitators (workshop_id, user_id) VALUES ($1, $2)', [
      workshop.id,
      facilitator.id,
    ]);
    for (const person of registered)
      await db().insert(WorkshopRegistration, {
        workshopId: workshop.id,
        userId: person.id,
        status: 'registered',
      });
    return workshop;
  }

  describe('evidence an admin submits as a learner', () => {
    it('waits visibly when no other admin exists, and its author can neither open it for review nor approve it', async () => {
      const chapter = await createChapter(db());
      const scoped = await createUser(db(), {
        role: 'admin',
        chapterId: chapter.id,
        scopeChapterId: chapter.id,
      });
      const agent = await signedInAgent(t.app, scoped.email);
      expect((await submit(agent)).status).toBe(303);
      const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: scoped.id });
      // The first admin in this database: nobody else may review it.
      const page = await agent.get(`/me/milestones/${MILESTONE}`);
      expect(page.text).toContain('Waiting for a reviewer.');
      expect(page.text).toContain('no other admin can review your evidence');

      expect((await agent.get(`/coach/submissions/${submission.id}`)).status).toBe(404);
      expect((await review(agent, submission)).status).toBe(403);
      expect((await agent.get('/admin/coach-requests')).text).not.toContain(
        `/coach/submissions/${submission.id}`,
      );
      expect(await db().countBy(SubmissionReview, { submissionId: submission.id })).toBe(0);
      expect(await db().countBy(MilestoneCompletion, { userId: scoped.id, milestoneId: MILESTONE })).toBe(0);
    });

    it('goes to another admin, who sees it waiting, is emailed, and may approve it', async () => {
      const author = await createUser(db(), { role: 'admin', displayName: 'Ada Author' });
      const other = await createUser(db(), { role: 'admin', displayName: 'Otto Other' });
      const authorAgent = await signedInAgent(t.app, author.email);
      const submitted = await submit(authorAgent);
      expect(submitted.status).toBe(303);
      const page = await authorAgent.get(`/me/milestones/${MILESTONE}`);
      expect(page.text).toContain('Waiting for review by an admin other than you');
      expect(await db().countBy(OutboxMessage, { toAddress: other.email })).toBe(1);
      expect(await db().countBy(OutboxMessage, { toAddress: author.email })).toBe(0);

      const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: author.id });
      const otherAgent = await signedInAgent(t.app, other.email);
      expect((await otherAgent.get('/admin/coach-requests')).text).toContain(
        `/coach/submissions/${submission.id}`,
      );
      expect((await review(otherAgent, submission)).status).toBe(303);
      expect(await db().findOneByOrFail(SubmissionReview, { submissionId: submission.id })).toMatchObject({
        reviewerId: other.id,
      });
      // The author cannot withdraw the approval of their own evidence either.
      const withdraw = await postForm(authorAgent, `/admin/submissions/${submission.id}/withdraw`, {
        reason: 'mine',
      });
      expect(withdraw.status).toBe(403);
      expect((await db().findOneByOrFail(EvidenceSubmission, { id: submission.id })).status).toBe('approved');
    });

    it('from a coach goes to the admins, and the coach cannot review it', async () => {
      const coach = await createUser(db(), { role: 'coach' });
      const agent = await signedInAgent(t.app, coach.email);
      expect((await submit(agent)).status).toBe(303);
      const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: coach.id });
      expect((await review(agent, submission)).status).toBe(403);
      expect((await agent.get(`/me/milestones/${MILESTONE}`)).text).toContain(
        'Waiting for review by an admin other than you',
      );
    });
  });

  it('nobody logs a coaching session about themselves', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    const response = await postForm(agent, `/coach/organizers/${admin.id}/sessions`, {
      heldOn: new Date().toISOString().slice(0, 10),
      durationMinutes: '30',
      privateNotes: '',
      nextStep: 'Keep going',
    });
    expect(response.status).toBe(403);
    expect(await db().countBy(CoachSession, { organizerId: admin.id })).toBe(0);
  });

  describe('attendance', () => {
    it('is refused for oneself (marks, walk-ins and the check-in code), and the pages do not offer it', async () => {
      const coach = await createUser(db(), { role: 'coach' });
      const agent = await signedInAgent(t.app, coach.email);
      const workshop = await workshopBy(coach, -5, null, [coach]);
      expect(
        (await postForm(agent, `/workshops/${workshop.id}/attendance`, { [`status:${coach.id}`]: 'present' }))
          .status,
      ).toBe(403);
      expect(
        (await postForm(agent, `/workshops/${workshop.id}/walk-ins`, { email: coach.email })).status,
      ).toBe(403);
      const { code } = currentCheckInCode(workshop.checkInSecret, workshop.id);
      expect((await postForm(agent, `/workshops/${workshop.id}/check-in`, { code })).status).toBe(403);
      expect(await db().countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(0);

      const sheet = await agent.get(`/workshops/${workshop.id}/attendance`);
      expect(sheet.text).not.toContain(`name="status:${coach.id}"`);
      expect(sheet.text).toContain('another facilitator marks you');
      const show = await agent.get(`/workshops/${workshop.id}`);
      expect(show.text).not.toContain(`action="/workshops/${workshop.id}/check-in"`);
      expect(show.text).toContain('you cannot check yourself in');
    });

    it('is refused before the check-in window, with the forms not offered; corrections stay possible afterwards', async () => {
      const coach = await createUser(db(), { role: 'coach' });
      const organizer = await createUser(db());
      const agent = await signedInAgent(t.app, coach.email);
      const future = await workshopBy(coach, 7 * 24 * 60, null, [organizer]);
      const early = await postForm(agent, `/workshops/${future.id}/attendance`, {
        [`status:${organizer.id}`]: 'present',
      });
      expect(early.status).toBe(409);
      expect(early.text).toContain('Attendance can be marked from 15 minutes before the workshop starts');
      expect(
        (await postForm(agent, `/workshops/${future.id}/walk-ins`, { email: organizer.email })).status,
      ).toBe(409);
      const sheet = await agent.get(`/workshops/${future.id}/attendance`);
      expect(sheet.text).toContain('Attendance can be marked from 15 minutes before the workshop starts');
      expect(sheet.text).not.toContain(`name="status:${organizer.id}"`);
      expect(await db().countBy(WorkshopAttendance, { workshopId: future.id })).toBe(0);
      expect(await db().countBy(MilestoneCompletion, { userId: organizer.id })).toBe(0);

      const past = await workshopBy(coach, -3 * 60, null, [organizer]);
      for (const status of ['present', 'absent'])
        expect(
          (await postForm(agent, `/workshops/${past.id}/attendance`, { [`status:${organizer.id}`]: status }))
            .status,
        ).toBe(303);
      expect(
        await db().findOneByOrFail(WorkshopAttendance, { workshopId: past.id, userId: organizer.id }),
      ).toMatchObject({
        status: 'absent',
      });
    });

    it('marks only people on the list; walk-ins by facilitators stay within the workshop chapter', async () => {
      const chapter = await createChapter(db());
      const elsewhere = await createChapter(db());
      const coach = await createUser(db(), { role: 'coach', chapterId: chapter.id });
      const agent = await signedInAgent(t.app, coach.email);
      const workshop = await workshopBy(coach, -5, chapter.id);
      const stranger = await createUser(db(), { chapterId: elsewhere.id });
      const unlisted = await postForm(agent, `/workshops/${workshop.id}/attendance`, {
        [`status:${stranger.id}`]: 'present',
      });
      expect(unlisted.status).toBe(400);
      const walkIn = await postForm(agent, `/workshops/${workshop.id}/walk-ins`, { email: stranger.email });
      expect(walkIn.status).toBe(400);
      expect(walkIn.text).toContain('No active account of this workshop’s chapter has this email');
      const member = await createUser(db(), { chapterId: chapter.id });
      expect(
        (await postForm(agent, `/workshops/${workshop.id}/walk-ins`, { email: member.email })).status,
      ).toBe(303);
      expect(await db().countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(1);
    });
  });

  it('a chapter admin cannot certify themselves: evidence, workshop, walk-in and certificate are each refused', async () => {
    const chapter = await createChapter(db());
    const scoped = await createUser(db(), {
      role: 'admin',
      chapterId: chapter.id,
      scopeChapterId: chapter.id,
    });
    const agent = await signedInAgent(t.app, scoped.email);
    expect((await submit(agent)).status).toBe(303);
    const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: scoped.id });
    expect((await review(agent, submission)).status).toBe(403);

    const workshop = await workshopBy(scoped, -5, chapter.id);
    expect(
      (await postForm(agent, `/workshops/${workshop.id}/walk-ins`, { email: scoped.email })).status,
    ).toBe(403);
    expect(
      (await postForm(agent, `/workshops/${workshop.id}/attendance`, { [`status:${scoped.id}`]: 'present' }))
        .status,
    ).toBe(403);
    expect((await postForm(agent, `/admin/people/${scoped.id}/certificates/recheck`)).status).toBe(403);
    expect(
      (await postForm(agent, `/admin/people/${scoped.id}/certificates/issue`, { trackId: 'coach' })).status,
    ).toBe(403);
    const page = await agent.get(`/admin/people/${scoped.id}/certificates`);
    expect(page.text).not.toContain(`action="/admin/people/${scoped.id}/certificates/recheck"`);
    expect(page.text).toContain('another admin issues, re-issues or revokes them');
    expect(await db().countBy(Certificate, { userId: scoped.id })).toBe(0);
    expect(await db().countBy(MilestoneCompletion, { userId: scoped.id })).toBe(0);
  });

  it('a former coach sees only evidence submitted while they coached', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const coach = await createUser(db(), { role: 'coach' });
    const organizer = await createUser(db());
    const assignment = await db().save(
      db().create(CoachAssignment, { organizerId: organizer.id, coachId: coach.id, assignedById: admin.id }),
    );
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    await submit(organizerAgent);
    const during = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });
    await db().update(CoachAssignment, assignment.id, { endedAt: new Date(), endReason: 'moved away' });
    await db().update(EvidenceSubmission, during.id, { status: 'changes_requested' });
    await submit(organizerAgent);
    const after = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id, attempt: 2 });

    const coachAgent = await signedInAgent(t.app, coach.email);
    expect((await coachAgent.get(`/coach/submissions/${during.id}`)).status).toBe(200);
    const refused = await coachAgent.get(`/coach/submissions/${after.id}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('submitted after you stopped coaching');
    const record = await coachAgent.get(`/coach/organizers/${organizer.id}`);
    expect(record.status).toBe(200);
    expect(record.text).not.toContain(`/coach/submissions/${after.id}`);
    expect(await db().countBy(AuditEvent, { actorId: coach.id, action: Not(Like('security.%')) })).toBe(0);
  });
});
