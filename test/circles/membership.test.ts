import { Circle, CircleMember } from '../../src/circles/circle.entities';
import { User } from '../../src/accounts/user.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { chapterWithCohort, createPost } from './helpers';

describe('circles: membership and visibility', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  it('gives every new chapter and cohort a circle, and there is one academy-wide circle', async () => {
    const { chapter, cohort, chapterCircle, cohortCircle } = await chapterWithCohort(t.dataSource);
    expect(chapterCircle).toMatchObject({ kind: 'chapter', name: chapter.name });
    expect(cohortCircle).toMatchObject({ kind: 'cohort', name: cohort.name });
    expect(await m().countBy(Circle, { kind: 'academy' })).toBe(1);
  });

  it('moving a person between chapters (by an admin) moves them between circles', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const person = await createUser(m(), { chapterId: a.chapter.id, cohortId: a.cohort.id });
    const admin = await createUser(m(), { role: 'admin' });
    const agent = await signedInAgent(t.app, person.email);
    const before = await agent.get('/circles');
    expect(before.status).toBe(200);
    expect(before.text).toContain(a.chapterCircle.name);
    expect(before.text).toContain(a.cohortCircle.name);
    expect(before.text).not.toContain(b.chapterCircle.name);
    expect((await agent.get(`/circles/${a.chapterCircle.id}`)).status).toBe(200);

    const moved = await postForm(await signedInAgent(t.app, admin.email), `/admin/people/${person.id}`, {
      role: 'organizer',
      chapterId: b.chapter.id,
      cohortId: b.cohort.id,
    });
    expect(moved.status).toBe(303);
    expect(await m().findOneByOrFail(User, { id: person.id })).toMatchObject({ chapterId: b.chapter.id });

    const after = await agent.get('/circles');
    expect(after.text).toContain(b.chapterCircle.name);
    expect(after.text).toContain(b.cohortCircle.name);
    expect(after.text).not.toContain(a.chapterCircle.name);
    expect((await agent.get(`/circles/${a.chapterCircle.id}`)).status).toBe(404);
    expect((await agent.get(`/circles/${a.cohortCircle.id}`)).status).toBe(404);
    expect((await agent.get(`/circles/${b.chapterCircle.id}`)).status).toBe(200);
  });

  it('shows circle content to members and hosts only: others, former members and visitors get 404', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    const member = await createUser(m(), { chapterId: a.chapter.id });
    const former = await createUser(m(), { chapterId: a.chapter.id });
    const outsider = await createUser(m(), { chapterId: b.chapter.id });
    const coach = await createUser(m(), { role: 'coach', chapterId: a.chapter.id });
    const scopedAdmin = await createUser(m(), { role: 'admin', scopeChapterId: a.chapter.id });
    const otherAdmin = await createUser(m(), { role: 'admin', scopeChapterId: b.chapter.id });
    const academyAdmin = await createUser(m(), { role: 'admin' });
    const post = await createPost(t.dataSource, a.chapterCircle.id, member.id, { title: 'Secret plan' });
    const formerAgent = await signedInAgent(t.app, former.email);
    expect((await formerAgent.get(`/circles/posts/${post.id}`)).status).toBe(200);
    await m().update(User, { id: former.id }, { chapterId: null });

    for (const [who, status] of [
      [member, 200],
      [coach, 200],
      [scopedAdmin, 200],
      [academyAdmin, 200],
      [outsider, 404],
      [otherAdmin, 404],
    ] as const) {
      const agent = await signedInAgent(t.app, who.email);
      const circlePage = await agent.get(`/circles/${a.chapterCircle.id}`);
      expect(circlePage.status).toBe(status);
      const postPage = await agent.get(`/circles/posts/${post.id}`);
      expect(postPage.status).toBe(status);
      if (status === 404) expect(postPage.text).not.toContain('Secret plan');
    }
    expect((await formerAgent.get(`/circles/${a.chapterCircle.id}`)).status).toBe(404);
    expect((await formerAgent.get(`/circles/posts/${post.id}`)).status).toBe(404);
    const anonymous = await anonymousAgent(t.app).get(`/circles/posts/${post.id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('lets an academy admin open a topic circle that anyone may join and leave (twice is harmless)', async () => {
    const admin = await createUser(m(), { role: 'admin' });
    const person = await createUser(m());
    const adminAgent = await signedInAgent(t.app, admin.email);
    const opened = await postForm(adminAgent, '/circles', {
      name: 'Working with city hall',
      description: 'Permits',
    });
    expect(opened.status).toBe(303);
    const circle = await m().findOneByOrFail(Circle, { name: 'Working with city hall' });
    expect(circle.kind).toBe('topic');

    const agent = await signedInAgent(t.app, person.email);
    expect((await agent.get(`/circles/${circle.id}`)).status).toBe(404);
    expect((await agent.get('/circles')).text).toContain('Topic circles you can join');
    const joins = await Promise.all([1, 2].map(() => postForm(agent, `/circles/${circle.id}/join`)));
    expect(joins.map((r) => r.status)).toEqual([303, 303]);
    expect(await m().countBy(CircleMember, { circleId: circle.id })).toBe(1);
    expect((await agent.get(`/circles/${circle.id}`)).status).toBe(200);
    expect((await postForm(agent, `/circles/${circle.id}/leave`)).status).toBe(303);
    expect(await m().countBy(CircleMember, { circleId: circle.id })).toBe(0);

    const organizerOpens = await postForm(agent, '/circles', { name: 'Mine' });
    expect(organizerOpens.status).toBe(403);
    expect(await m().countBy(Circle, { name: 'Mine' })).toBe(0);
    const empty = await postForm(adminAgent, '/circles', { name: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter a name.');
  });

  it('refuses leaving a chapter circle with a message', async () => {
    const a = await chapterWithCohort(t.dataSource);
    const person = await createUser(m(), { chapterId: a.chapter.id });
    const response = await postForm(
      await signedInAgent(t.app, person.email),
      `/circles/${a.chapterCircle.id}/leave`,
    );
    expect(response.status).toBe(400);
  });
});
