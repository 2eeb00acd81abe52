import { User } from '../../src/accounts/user.entity';
import { Circle } from '../../src/circles/circle.entities';
import { firstPageFor, type SharedFirstPage } from '../../src/circles/first-page-cache';
import { CirclePost, CircleReply, PostMeToo } from '../../src/circles/post.entities';
import type { PostSummary } from '../../src/circles/posts.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';
import { Notification } from '../../src/notifications/notification.entities';
import { Gathering } from '../../src/gatherings/gathering.entities';
import { createGathering } from '../gatherings/helpers';
import { acceptConduct, chapterWithCohort, createPost } from './helpers';

/**
 * In production each process keeps every circle's first page in memory (FirstPageCache). These
 * tests turn that on and check it never shows anyone what they may not see, never mixes circles or
 * readers, and follows changes made elsewhere (written straight to the database, as another
 * process would) as soon as the database's change notice arrives: well inside the 10 s TTL.
 */
describe('cached circle first page', () => {
  const counter = new QueryCounter();
  let t: TestApp;
  let circleId: string;
  let otherCircleId: string;
  let author: User;
  let reader: User;
  let authorAgent: Agent;
  let readerAgent: Agent;
  let hostAgent: Agent;
  let otherAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter });
    t.app.enable('view cache');
    const one = await chapterWithCohort(t.dataSource);
    const two = await chapterWithCohort(t.dataSource);
    circleId = one.chapterCircle.id;
    otherCircleId = two.chapterCircle.id;
    author = await createUser(db(), { chapterId: one.chapter.id, displayName: 'Ada Author' });
    reader = await createUser(db(), { chapterId: one.chapter.id, displayName: 'Rae Reader' });
    const other = await createUser(db(), { chapterId: two.chapter.id, displayName: 'Oto Other' });
    const host = await createUser(db(), { role: 'admin' });
    await acceptConduct(t.dataSource, reader.id);
    authorAgent = await signedInAgent(t.app, author.email);
    readerAgent = await signedInAgent(t.app, reader.email);
    hostAgent = await signedInAgent(t.app, host.email);
    otherAgent = await signedInAgent(t.app, other.email);
    for (let i = 0; i < 25; i += 1)
      await createPost(t.dataSource, circleId, reader.id, { title: `Older story ${i}` });
    await createPost(t.dataSource, otherCircleId, other.id, { title: 'Only in circle two' });
  });
  afterAll(() => t.close());

  /** The page, asked again until it passes `done` (a change notice may take a moment) or 5 s pass. */
  async function pageUntil(agent: Agent, id: string, done: (text: string) => boolean): Promise<string> {
    const until = Date.now() + 5_000;
    for (;;) {
      const page = await agent.get(`/circles/${id}`);
      expect(page.status).toBe(200);
      if (done(page.text) || Date.now() > until) return page.text;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('serves the first page from memory once loaded, and later pages from the database', async () => {
    await readerAgent.get(`/circles/${circleId}`);
    counter.queries = [];
    const again = await readerAgent.get(`/circles/${circleId}`);
    expect(again.text).toContain('Older story 24');
    expect(counter.queries.filter((q) => q.includes('FROM circle_posts p'))).toEqual([]);
    // The membership check is cached too (per person and circle).
    expect(counter.queries.filter((q) => q.includes('FROM circles c'))).toEqual([]);
    const older = /href="(\/circles\/[^"]+\?after=[^"]+)"/.exec(again.text)![1].replace(/&amp;/g, '&');
    const next = await readerAgent.get(older);
    expect(next.text).toContain('Older story 0');
    expect(next.text).not.toContain('Older story 24');
  });

  it('shows a hidden post to its author and hosts only, whoever loaded the page first', async () => {
    const hidden = await createPost(t.dataSource, circleId, author.id, {
      title: 'Hidden by a host',
      hiddenAt: new Date(),
      hiddenReason: 'off topic',
    });
    expect(await db().countBy(CirclePost, { id: hidden.id, hiddenReason: 'off topic' })).toBe(1);
    // The host loads it into the shared cache first, then the author, then another member.
    expect(await pageUntil(hostAgent, circleId, (p) => p.includes('Hidden by a host'))).toContain(
      'hidden: off topic',
    );
    expect((await authorAgent.get(`/circles/${circleId}`)).text).toContain('Hidden by a host');
    const forReader = (await readerAgent.get(`/circles/${circleId}`)).text;
    expect(forReader).not.toContain('Hidden by a host');
    expect(forReader).not.toContain('off topic');
    expect(forReader).toContain('Older story 24');
    // The author's page has 20 posts, the reader's 20 others: no slot taken from one by the other.
    expect((await authorAgent.get(`/circles/${circleId}`)).text.match(/class="post-summary"/g)).toHaveLength(
      20,
    );
    expect(forReader.match(/class="post-summary"/g)).toHaveLength(20);
  });

  it('follows a new post, a reply count, a me-too and a hide from elsewhere by the change notice', async () => {
    await pageUntil(readerAgent, circleId, () => true);
    const ask = await createPost(t.dataSource, circleId, author.id, { kind: 'ask', title: 'Fresh ask' });
    await pageUntil(readerAgent, circleId, (p) => p.includes('Fresh ask'));
    expect((await readerAgent.get(`/circles/${circleId}`)).text).toMatch(
      /Fresh ask<\/a><\/h3>\s*<p[^>]*>[^<]*0 replies · 0 me too/,
    );

    await db().save(db().create(CircleReply, { postId: ask.id, authorId: reader.id, body: 'Try this.' }));
    expect(await db().countBy(CircleReply, { postId: ask.id })).toBe(1);
    expect(await pageUntil(readerAgent, circleId, (p) => /Fresh ask[\s\S]{0,200}1 reply ·/.test(p))).toMatch(
      /Fresh ask[\s\S]{0,200}1 reply · 0 me too/,
    );

    await db().insert(PostMeToo, { postId: ask.id, userId: reader.id });
    expect(await pageUntil(readerAgent, circleId, (p) => /Fresh ask[\s\S]{0,200}1 me too/.test(p))).toMatch(
      /Fresh ask[\s\S]{0,200}1 me too/,
    );

    await db().update(CirclePost, { id: ask.id }, { hiddenAt: new Date(), hiddenReason: 'spam' });
    expect(await pageUntil(readerAgent, circleId, (p) => !p.includes('Fresh ask'))).not.toContain(
      'Fresh ask',
    );
    expect((await authorAgent.get(`/circles/${circleId}`)).text).toContain('hidden: spam');
  });

  it("shows the reader's own post on their next page, without waiting for a notice", async () => {
    await readerAgent.get(`/circles/${circleId}`);
    const posted = await postForm(readerAgent, `/circles/${circleId}/posts`, {
      kind: 'story',
      title: 'Posted through the app',
      body: 'Hello.',
    });
    expect(posted.status).toBe(303);
    expect(await db().countBy(CirclePost, { title: 'Posted through the app' })).toBe(1);
    expect((await readerAgent.get(`/circles/${circleId}`)).text).toContain('Posted through the app');
  });

  it('renders the page once for its members, each with their own name, token and notifications', async () => {
    // The author has hidden posts of their own here (earlier tests): their page is rendered for them alone.
    const circle = await db().findOneByOrFail(Circle, { id: circleId });
    const third = await createUser(db(), { chapterId: circle.chapterId, displayName: 'Tia Third' });
    await db().insert(Notification, {
      userId: third.id,
      kind: 'circles',
      title: 'A reply',
      body: 'b',
      link: '/circles',
    });
    const thirdAgent = await signedInAgent(t.app, third.email);
    // Let the change notices of those writes arrive (they empty the shared page), then warm it. A
    // page with a one-time message (the third's welcome after signing in) is never kept or shared.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await thirdAgent.get(`/circles/${circleId}`)).text).toContain('Tia Third');
    await pageUntil(readerAgent, circleId, () => true);
    await pageUntil(readerAgent, circleId, () => true);
    const render = jest.spyOn(t.app, 'render');
    const forReader = (await readerAgent.get(`/circles/${circleId}`)).text;
    const forThird = (await thirdAgent.get(`/circles/${circleId}`)).text;
    expect(render).not.toHaveBeenCalled();
    expect((await authorAgent.get(`/circles/${circleId}`)).status).toBe(200);
    expect(render).toHaveBeenCalledTimes(1);
    render.mockRestore();
    const token = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1];
    expect(forReader).toContain('Rae Reader <span');
    expect(forReader).not.toContain('Tia Third');
    expect(forReader).not.toContain('unread');
    expect(forThird).toContain('Tia Third <span');
    expect(forThird).not.toContain('Rae Reader <span');
    expect(forThird).toContain('aria-label="Notifications, 1 unread"');
    expect(token(forReader)).not.toBe(token(forThird));
    // The same posts for both.
    const titles = (page: string) => [...page.matchAll(/<h3><a href="[^"]+">([^<]+)</g)].map((m) => m[1]);
    expect(titles(forReader)).toEqual(titles(forThird));
    expect(titles(forReader)).toHaveLength(20);
  });

  it('follows a gathering scheduled elsewhere by the change notice', async () => {
    await pageUntil(readerAgent, circleId, () => true);
    const circle = await db().findOneByOrFail(Circle, { id: circleId });
    await createGathering(db(), circle, author.id, { title: 'Harbor walk' });
    expect(await db().countBy(Gathering, { circleId, title: 'Harbor walk' })).toBe(1);
    expect(await pageUntil(readerAgent, circleId, (p) => p.includes('Harbor walk'))).toContain('Harbor walk');
  });

  it("never shows one circle's page for another", async () => {
    const one = (await readerAgent.get(`/circles/${circleId}`)).text;
    const two = (await otherAgent.get(`/circles/${otherCircleId}`)).text;
    expect(one).not.toContain('Only in circle two');
    expect(two).toContain('Only in circle two');
    expect(two).not.toContain('Older story');
    expect((await otherAgent.get(`/circles/${circleId}`)).status).toBe(404);
    expect((await readerAgent.get(`/circles/${otherCircleId}`)).status).toBe(404);
  });

  it("follows a member's move to another chapter, made elsewhere, by the change notice", async () => {
    const two = await db().findOneByOrFail(Circle, { id: otherCircleId });
    expect((await readerAgent.get(`/circles/${circleId}`)).status).toBe(200);
    expect((await readerAgent.get(`/circles/${otherCircleId}`)).status).toBe(404);
    await db().update(User, { id: reader.id }, { chapterId: two.chapterId });
    expect((await db().findOneByOrFail(User, { id: reader.id })).chapterId).toBe(two.chapterId);
    const until = Date.now() + 5_000;
    let statuses: number[] = [];
    while (Date.now() < until) {
      statuses = [
        (await readerAgent.get(`/circles/${circleId}`)).status,
        (await readerAgent.get(`/circles/${otherCircleId}`)).status,
      ];
      if (statuses[0] === 404 && statuses[1] === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statuses).toEqual([404, 200]);
  });
});

describe('firstPageFor', () => {
  const post = (id: string, ms: number, authorId: string, hidden = false): PostSummary => ({
    id,
    kind: 'story',
    title: id,
    authorName: authorId,
    authorId,
    createdAt: new Date(ms),
    replies: 0,
    meToo: 0,
    answered: false,
    hiddenReason: hidden ? 'reason' : null,
  });
  const shared: SharedFirstPage = {
    visible: [post('v3', 3000, 'b'), post('v2', 2000, 'b'), post('v1', 1000, 'b')],
    hidden: [post('h4', 4000, 'a', true), post('h25', 2500, 'c', true)],
    complete: true,
  };

  it('adds only the hidden posts the reader wrote, or all of them for a host, newest first', () => {
    expect(firstPageFor(shared, 'b', false, 2).map((p) => p.id)).toEqual(['v3', 'v2', 'v1']);
    expect(firstPageFor(shared, 'a', false, 2).map((p) => p.id)).toEqual(['h4', 'v3', 'v2']);
    expect(firstPageFor(shared, 'c', false, 2).map((p) => p.id)).toEqual(['v3', 'h25', 'v2']);
    expect(firstPageFor(shared, 'x', true, 3).map((p) => p.id)).toEqual(['h4', 'v3', 'h25', 'v2']);
    expect(shared.visible.map((p) => p.id)).toEqual(['v3', 'v2', 'v1']);
  });
});
