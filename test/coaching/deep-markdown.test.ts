import type { User } from '../../src/accounts/user.entity';
import { EvidenceSubmission, SubmissionReview } from '../../src/coaching/coaching.entities';
import { renderUserMarkdown } from '../../src/coaching/user-markdown';
import { renderMarkdown } from '../../src/curriculum/markdown';
import { Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { capturingLogger } from '../helpers/log-capture';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'people-first-listening-tour';
const DEEP_QUOTE = '>'.repeat(3_000) + ' the end';
const DEEP_LIST = '- '.repeat(1_500) + 'the end';

describe('Markdown that cannot break a page', () => {
  let t: TestApp;
  let organizer: User;
  let coach: User;
  let organizerAgent: Agent;
  let coachAgent: Agent;
  let log: ReturnType<typeof capturingLogger>;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    log = capturingLogger();
    t = await startTestApp({ logger: log.logger });
    const admin = await createUser(db(), { role: 'admin' });
    organizer = await createUser(db());
    coach = await createUser(db(), { role: 'coach' });
    const adminAgent = await signedInAgent(t.app, admin.email);
    await postForm(adminAgent, `/admin/people/${organizer.id}/coach`, { coachId: coach.id });
    organizerAgent = await signedInAgent(t.app, organizer.email);
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());

  it('shows absurdly nested text as written, escaped, with a notice, instead of throwing', () => {
    for (const source of [DEEP_QUOTE, DEEP_LIST, `<b>x</b>\n${DEEP_QUOTE}`]) {
      const html = renderUserMarkdown(source);
      expect(html).toContain('could not be formatted');
      expect(html).not.toContain('<b>');
      const module = renderMarkdown(source, { link: () => undefined, image: () => undefined });
      expect(module.html).toContain('could not be formatted');
    }
    expect(renderUserMarkdown('> quoted\n> > twice')).toContain('<blockquote>');
  });

  it('refuses deeply nested evidence and feedback at submit time with a message, saving nothing', async () => {
    const evidence = await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, { body: DEEP_QUOTE });
    expect(evidence.status).toBe(400);
    expect(evidence.text).toContain('Your evidence nests quotes or lists more than 30 levels deep');
    expect(await db().countBy(EvidenceSubmission, { organizerId: organizer.id })).toBe(0);

    expect(
      (await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, { body: 'Six talks.' })).status,
    ).toBe(303);
    const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });
    const feedback = await postForm(coachAgent, `/coach/submissions/${submission.id}/review`, {
      decision: 'changes_requested',
      feedback: DEEP_LIST,
      revision: String(submission.revision),
    });
    expect(feedback.status).toBe(400);
    expect(feedback.text).toContain('Feedback nests quotes or lists more than 30 levels deep');
    expect(await db().countBy(SubmissionReview, { submissionId: submission.id })).toBe(0);
  });

  it('keeps pages working when such text was stored before the rule', async () => {
    const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });
    await db().update(EvidenceSubmission, { id: submission.id }, { body: DEEP_QUOTE });
    const thread = await organizerAgent.get(`/me/milestones/${MILESTONE}`);
    expect(thread.status).toBe(200);
    expect(thread.text).toContain('could not be formatted');
    expect((await coachAgent.get(`/coach/submissions/${submission.id}`)).status).toBe(200);

    const service = new WorkshopsService(
      () => testCatalog(t.config.curriculumDir).current(),
      t.config.baseUrl,
    );
    const start = new Date(Date.now() + 86_400_000);
    const workshop = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Deep talk',
        description: 'fine',
        milestoneIds: [],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3_600_000),
        timeZone: 'UTC',
        location: 'Library',
        onlineUrl: null,
        capacity: 5,
        chapterId: null,
      }),
    );
    await db().update(Workshop, { id: workshop.id }, { description: DEEP_LIST });
    const page = await organizerAgent.get(`/workshops/${workshop.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('could not be formatted');
    expect(log.errors()).toEqual([]);
  });
});
