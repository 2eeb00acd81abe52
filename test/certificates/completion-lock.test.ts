import { Certificate } from '../../src/certificates/certificate.entities';
import { EvidenceSubmission, SubmissionReview } from '../../src/coaching/coaching.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { startWorkshop } from '../helpers/workshops';
import { postForm, signedInAgent } from '../helpers/http';
import { certificateKit } from './kit';

const WORKSHOP_MILESTONE = 'facilitation-practice-workshop';

describe('completions after a certificate was issued', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
  });
  afterAll(() => t.close());

  it('attendance marked present completes the track and issues the certificate; undoing it keeps the completion and tells the admin', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const adminAgent = await signedInAgent(t.app, admin.email);
    const organizer = await createUser(db());
    await kit.completeAllButLast(organizer.id);
    await kit.complete(organizer.id); // the track's last milestone
    await db().delete(MilestoneCompletion, { userId: organizer.id, milestoneId: WORKSHOP_MILESTONE });
    await db().delete(Certificate, { userId: organizer.id });

    const workshops = new WorkshopsService(
      () => testCatalog(t.config.curriculumDir).current(),
      t.config.baseUrl,
    );
    const start = new Date(Date.now() + 86_400_000);
    const workshop = await t.dataSource.transaction((m) =>
      workshops.create(m, admin, {
        title: 'Incident response practice',
        description: '',
        milestoneIds: [WORKSHOP_MILESTONE],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3_600_000),
        timeZone: 'UTC',
        location: 'Library',
        onlineUrl: null,
        capacity: 5,
        chapterId: null,
      }),
    );
    await t.dataSource.transaction((m) => workshops.register(m, organizer, workshop.id));
    await startWorkshop(db(), workshop.id);
    const mark = (status: string) =>
      postForm(adminAgent, `/workshops/${workshop.id}/attendance`, { [`status:${organizer.id}`]: status });
    await mark('present');
    const [certificate] = await db().findBy(Certificate, { userId: organizer.id });
    expect(certificate).toBeDefined();
    const evidence = (certificate.credential as { evidence: { name: string; genre: string }[] }).evidence;
    expect(evidence).toContainEqual(
      expect.objectContaining({ name: 'Incident response practice', genre: 'Workshop attendance' }),
    );

    const response = await mark('absent');
    expect(response.status).toBe(303);
    const sheet = await adminAgent.get(`/workshops/${workshop.id}/attendance`);
    expect(sheet.text).toContain('The workshop milestones stay complete for');
    expect(sheet.text).toContain('a certificate was already issued');
    expect(
      await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: WORKSHOP_MILESTONE }),
    ).toBe(1);
  });

  it('withdrawing an approval after certification keeps the completion and says why', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const coach = await createUser(db(), { role: 'coach' });
    const organizer = await createUser(db());
    await kit.certify(organizer.id);
    const submission = await db().save(
      db().create(EvidenceSubmission, {
        organizerId: organizer.id,
        milestoneId: kit.lastMilestone,
        attempt: 1,
        body: 'What I did',
        links: [],
        status: 'approved',
      }),
    );
    await db().insert(SubmissionReview, {
      submissionId: submission.id,
      reviewerId: coach.id,
      decision: 'approved',
      feedback: 'Well done',
    });
    const agent = await signedInAgent(t.app, admin.email);
    const response = await postForm(agent, `/admin/submissions/${submission.id}/withdraw`, {
      reason: 'Checked again',
    });
    expect(response.status).toBe(303);
    const followed = await agent.get(String(response.headers.location));
    expect(followed.text).toContain(
      'the milestone stays complete: a certificate for this track was already issued',
    );
    expect(
      await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: kit.lastMilestone }),
    ).toBe(1);
  });
});
