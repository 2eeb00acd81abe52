import type { User } from '../../src/accounts/user.entity';
import { AskEscalations } from '../../src/circles/ask-escalations';
import { AskEscalation } from '../../src/circles/care.entities';
import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { CoachAssignment } from '../../src/coaching/coaching.entities';
import { ConfigError, loadConfig } from '../../src/config';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { chapterWithCohort, createPost } from './helpers';

const HOUR = 3_600_000;

describe('circles: no ask left alone', () => {
  let t: TestApp;
  let escalations: AskEscalations;
  let circleId: string;
  let asker: User;
  let peer: User;
  let coach: User;
  let chapterCoach: User;
  let otherCoach: User;
  let scopedAdmin: User;
  let academyAdmin: User;
  beforeAll(async () => {
    t = await startTestApp({ env: { CIRCLE_ASK_ESCALATE_HOURS: '48' } });
    escalations = new AskEscalations(t.config.baseUrl, t.config.circleAskEscalateHours);
    const m = t.dataSource.manager;
    const { chapter, cohort, cohortCircle } = await chapterWithCohort(t.dataSource);
    const other = await chapterWithCohort(t.dataSource);
    circleId = cohortCircle.id;
    asker = await createUser(m, { chapterId: chapter.id, cohortId: cohort.id, displayName: 'Ada Asker' });
    peer = await createUser(m, { chapterId: chapter.id, cohortId: cohort.id });
    // The asker's coach works for another chapter: told as a member of the academy circle only.
    coach = await createUser(m, { role: 'coach', chapterId: other.chapter.id, displayName: 'Cleo Coach' });
    chapterCoach = await createUser(m, { role: 'coach', chapterId: chapter.id });
    otherCoach = await createUser(m, { role: 'coach', chapterId: other.chapter.id });
    scopedAdmin = await createUser(m, { role: 'admin', scopeChapterId: chapter.id });
    academyAdmin = await createUser(m, { role: 'admin' });
    await m.save(
      m.create(CoachAssignment, { organizerId: asker.id, coachId: coach.id, assignedById: academyAdmin.id }),
    );
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  async function askAged(hours: number, overrides: Partial<CirclePost> = {}, circle = circleId) {
    const post = await createPost(t.dataSource, circle, asker.id, {
      kind: 'ask',
      title: 'Room?',
      ...overrides,
    });
    await m().update(CirclePost, { id: post.id }, { createdAt: new Date(Date.now() - hours * HOUR) });
    return post;
  }
  const noticesAbout = (postId: string) =>
    m().find(Notification, { where: { kind: 'circle_asks', link: `/circles/posts/${postId}` } });

  it('validates CIRCLE_ASK_ESCALATE_HOURS (default 48, whole hours from 1 to 720)', () => {
    expect(loadConfig({ ...TEST_ENV }).circleAskEscalateHours).toBe(48);
    expect(loadConfig({ ...TEST_ENV, CIRCLE_ASK_ESCALATE_HOURS: '12' }).circleAskEscalateHours).toBe(12);
    for (const bad of ['0', '1.5', 'two', '721'])
      expect(() => loadConfig({ ...TEST_ENV, CIRCLE_ASK_ESCALATE_HOURS: bad })).toThrow(ConfigError);
  });

  it('tells the chapter’s hosts once about an ask unanswered for 48 hours, and nobody about the rest', async () => {
    const lonely = await askAged(50, { title: 'How do I book a room at city hall?' });
    const young = await askAged(10);
    const replied = await askAged(60);
    await m().save(m().create(CircleReply, { postId: replied.id, authorId: peer.id, body: 'Call Jo.' }));
    const selfReplied = await askAged(60);
    await m().save(m().create(CircleReply, { postId: selfReplied.id, authorId: asker.id, body: 'Anyone?' }));
    const hidden = await askAged(60, { hiddenAt: new Date(), hiddenReason: 'Off topic' });
    const story = await askAged(60, { kind: 'story' });
    const ancient = await askAged(48 + 24 * 15);

    // Two app processes sweep at the same moment: each ask is claimed, and told, exactly once.
    const counts = await Promise.all(
      [1, 2].map(() => t.dataSource.transaction((tx) => escalations.sweep(tx))),
    );
    expect(counts[0] + counts[1]).toBe(2);
    expect(await t.dataSource.transaction((tx) => escalations.sweep(tx))).toBe(0);

    const escalated = (await m().find(AskEscalation)).map((e) => e.postId).sort();
    expect(escalated).toEqual([lonely.id, selfReplied.id].sort());
    // The asker's coach works for another chapter and cannot read this cohort circle: not told.
    const told = (await noticesAbout(lonely.id)).map((n) => n.userId).sort();
    expect(told).toEqual([chapterCoach.id, scopedAdmin.id].sort());
    const [notice] = await noticesAbout(lonely.id);
    expect(notice.title).toContain('is waiting for help');
    expect(notice.body).toContain('Ada Asker asked “How do I book a room at city hall?”');
    for (const post of [young, replied, hidden, story, ancient])
      expect(await noticesAbout(post.id)).toHaveLength(0);
    for (const person of [otherCoach, academyAdmin, asker, coach])
      expect(await m().countBy(Notification, { userId: person.id })).toBe(0);
  });

  it('tells the asker’s coach when they can read the circle, and academy admins when no nearer host exists', async () => {
    const [academy] = await m().query<{ id: string }[]>(`SELECT id FROM circles WHERE kind = 'academy'`);
    const everyone =
      academy ??
      (
        await m().query<{ id: string }[]>(
          `INSERT INTO circles (kind, name) VALUES ('academy', 'Everyone') RETURNING id`,
        )
      )[0];
    const [topic] = await m().query<{ id: string }[]>(
      `INSERT INTO circles (kind, name) VALUES ('topic', 'Fundraising') RETURNING id`,
    );
    await m().query('INSERT INTO circle_members (circle_id, user_id) VALUES ($1, $2)', [topic.id, asker.id]);
    const inAcademy = await askAged(49, { title: 'Anyone done a budget?' }, everyone.id);
    const inTopic = await askAged(49, {}, topic.id);
    expect(await t.dataSource.transaction((tx) => escalations.sweep(tx))).toBe(2);
    expect((await noticesAbout(inAcademy.id)).map((n) => n.userId).sort()).toEqual(
      [coach.id, academyAdmin.id].sort(),
    );
    // The coach has not joined the topic circle, so they cannot read it and are not told of it.
    expect((await noticesAbout(inTopic.id)).map((n) => n.userId)).toEqual([academyAdmin.id]);
    // On the coach's dashboard: their organizer's ask in a circle they can read, not the others.
    const listed = (await escalations.waitingForCoach(m(), { ...coach, scopeChapterId: null })).map(
      (a) => a.id,
    );
    expect(listed).toContain(inAcademy.id);
    expect(listed).not.toContain(inTopic.id);
  });

  it('lists waiting asks on the coach dashboard of the chapter’s coaches, until someone replies', async () => {
    const ask = await askAged(72, { title: 'Who knows the parks department?' });
    const chapterAgent = await signedInAgent(t.app, chapterCoach.email);
    const page = await chapterAgent.get('/coach');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Asks waiting for help');
    expect(page.text).toContain(`/circles/posts/${ask.id}`);
    expect(page.text).toContain('Who knows the parks department?');
    expect(page.text).toContain('3 days');
    // A coach of another chapter who does not coach the asker sees nothing of it.
    const otherPage = await (await signedInAgent(t.app, otherCoach.email)).get('/coach');
    expect(otherPage.text).toContain('No ask in your circles is waiting for help.');
    // The asker's coach cannot read this cohort circle, so it is not listed for them.
    const coachView = await escalations.waitingForCoach(m(), { ...coach, scopeChapterId: null });
    expect(coachView.map((a) => a.id)).not.toContain(ask.id);
    await m().save(m().create(CircleReply, { postId: ask.id, authorId: peer.id, body: 'Try Sam.' }));
    expect((await chapterAgent.get('/coach')).text).not.toContain(ask.id);
  });
});

describe('circles: the cached "Asks waiting for help" on the coach dashboard', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('shows an ask written by another process, and drops it once answered, as soon as the database announces it', async () => {
    t = await startTestApp();
    t.app.enable('view cache');
    const m = t.dataSource.manager;
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    const asker = await createUser(m, { chapterId: chapter.id });
    const peer = await createUser(m, { chapterId: chapter.id });
    const host = await createUser(m, { role: 'coach', chapterId: chapter.id });
    const agent = await signedInAgent(t.app, host.email);
    const until = async (wanted: (text: string) => boolean) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const { text } = await agent.get('/coach');
        if (wanted(text) || Date.now() > deadline) return text;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    expect((await agent.get('/coach')).text).toContain('No ask in your circles is waiting for help.');
    // Written straight to the database, as another app process would: only the notice tells us.
    const ask = await createPost(t.dataSource, chapterCircle.id, asker.id, { kind: 'ask', title: 'Old ask' });
    await m.update(CirclePost, { id: ask.id }, { createdAt: new Date(Date.now() - 50 * HOUR) });
    expect(await until((text) => text.includes(ask.id))).toContain('Old ask');
    await m.save(m.create(CircleReply, { postId: ask.id, authorId: peer.id, body: 'Here you go.' }));
    expect(await until((text) => !text.includes(ask.id))).toContain(
      'No ask in your circles is waiting for help.',
    );
  });
});
