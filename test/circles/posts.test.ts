import { User } from '../../src/accounts/user.entity';
import { CirclePost, CircleReply, PostMeToo, ReplyHelped } from '../../src/circles/post.entities';
import { ConductAcceptance } from '../../src/circles/safety.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';
import { acceptConduct, chapterWithCohort, createPost, postIdFrom, together } from './helpers';

describe('circles: posts, replies and recognition', () => {
  const counter = new QueryCounter();
  let t: TestApp;
  let circleId: string;
  let asker: User;
  let helper: User;
  let askerAgent: Agent;
  let helperAgent: Agent;
  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter });
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    circleId = chapterCircle.id;
    asker = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    helper = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    await acceptConduct(t.dataSource, helper.id);
    askerAgent = await signedInAgent(t.app, asker.email);
    helperAgent = await signedInAgent(t.app, helper.email);
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  it('asks for the code of conduct once, before the first post', async () => {
    const form = await askerAgent.get(`/circles/${circleId}/new?kind=ask`);
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe(
      `/circles/conduct?next=${encodeURIComponent(`/circles/${circleId}/new?kind=ask`)}`,
    );
    const refused = await postForm(askerAgent, `/circles/${circleId}/posts`, {
      kind: 'story',
      title: 'Hi',
      body: 'Hello',
    });
    expect(refused.status).toBe(403);
    expect(await m().countBy(CirclePost, { authorId: asker.id })).toBe(0);
    expect((await askerAgent.get('/circles/conduct')).text).toContain('Code of conduct for circles');
    const accepted = await postForm(askerAgent, '/circles/conduct', {
      next: `/circles/${circleId}/new?kind=ask`,
    });
    expect(accepted.headers.location).toBe(`/circles/${circleId}/new?kind=ask`);
    await postForm(askerAgent, '/circles/conduct', {});
    expect(await m().countBy(ConductAcceptance, { userId: asker.id })).toBe(1);
    expect((await askerAgent.get(`/circles/${circleId}/new?kind=ask`)).status).toBe(200);
  });

  it('posts an ask rendered safely; a helper replies; me too and this helped count once; the asker marks it answered', async () => {
    const posted = await postForm(askerAgent, `/circles/${circleId}/posts`, {
      kind: 'ask',
      title: 'How do I book a room?',
      body: 'Any tips? <script>alert(1)</script> [x](javascript:alert(1))',
    });
    expect(posted.status).toBe(303);
    const postId = postIdFrom(posted.headers.location);
    const page = await helperAgent.get(`/circles/posts/${postId}`);
    expect(page.text).toContain('How do I book a room?');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).not.toContain('javascript:');

    const replied = await postForm(helperAgent, `/circles/posts/${postId}/replies`, {
      body: 'Ask the library.',
    });
    expect(replied.status).toBe(303);
    const reply = await m().findOneByOrFail(CircleReply, { postId });
    expect(reply.body).toBe('Ask the library.');

    const twice = [
      ...(await together(helperAgent, `/circles/posts/${postId}/me-too`, 2, () => ({}))),
      ...(await together(askerAgent, `/circles/replies/${reply.id}/helped`, 2, () => ({}))),
    ];
    expect(twice.map((r) => r.status)).toEqual([303, 303, 303, 303]);
    expect(await m().countBy(PostMeToo, { postId })).toBe(1);
    expect(await m().countBy(ReplyHelped, { replyId: reply.id })).toBe(1);

    const notAsker = await postForm(helperAgent, `/circles/posts/${postId}/answer`, { replyId: reply.id });
    expect(notAsker.status).toBe(403);
    const answered = await postForm(askerAgent, `/circles/posts/${postId}/answer`, { replyId: reply.id });
    expect(answered.status).toBe(303);
    expect((await m().findOneByOrFail(CirclePost, { id: postId })).answerReplyId).toBe(reply.id);
    expect((await helperAgent.get(`/circles/posts/${postId}`)).text).toContain('this answered the ask');
    const badAnswer = await postForm(askerAgent, `/circles/posts/${postId}/answer`, { replyId: 'nope' });
    expect(badAnswer.status).toBe(400);
  });

  it('feedback replies follow the prompts "what works" and "what to try"', async () => {
    const post = await createPost(t.dataSource, circleId, asker.id, {
      kind: 'feedback',
      title: 'My one-pager',
    });
    const form = await helperAgent.get(`/circles/posts/${post.id}`);
    expect(form.text).toContain('What works');
    expect(form.text).toContain('What to try');
    const empty = await postForm(helperAgent, `/circles/posts/${post.id}/replies`, { works: '', toTry: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Write a reply first.');
    await postForm(helperAgent, `/circles/posts/${post.id}/replies`, {
      works: 'Clear ask',
      toTry: 'Add a date',
    });
    const reply = await m().findOneByOrFail(CircleReply, { postId: post.id });
    expect(reply.body).toBe('**What works**\n\nClear ask\n\n**What to try**\n\nAdd a date');
    expect(await m().countBy(PostMeToo, { postId: post.id })).toBe(0);
    expect((await postForm(helperAgent, `/circles/posts/${post.id}/me-too`)).status).toBe(400);
  });

  it('pages a circle by keyset, newest first, with the same number of queries on every page', async () => {
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    const reader = await createUser(m(), { chapterId: chapter.id });
    for (let i = 0; i < 45; i += 1)
      await createPost(t.dataSource, chapterCircle.id, reader.id, {
        title: `Post number ${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
      });
    const agent = await signedInAgent(t.app, reader.email);
    const seen: string[] = [];
    const queryCounts: number[] = [];
    let url: string | null = `/circles/${chapterCircle.id}`;
    while (url) {
      counter.queries = [];
      const page = await agent.get(url);
      queryCounts.push(counter.queries.length);
      expect(page.status).toBe(200);
      seen.push(...[...page.text.matchAll(/Post number (\d+)/g)].map((x) => x[1]));
      const next = /href="(\/circles\/[0-9a-f-]{36}\?after=[^"]+)"/.exec(page.text);
      url = next ? next[1].replace(/&amp;/g, '&') : null;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => String(44 - i)));
    expect(queryCounts).toHaveLength(3);
    expect(new Set(queryCounts).size).toBe(1);
    expect((await agent.get(`/circles/${chapterCircle.id}?after=garbage`)).status).toBe(200);
  });

  it('re-renders a post form with messages for bad input, never a 500', async () => {
    const bad = await postForm(askerAgent, `/circles/${circleId}/posts`, {
      kind: 'poem',
      title: '',
      body: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a title.');
    expect(bad.text).toContain('Choose a story, an ask for help or a feedback request.');
  });
});
