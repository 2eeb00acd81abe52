import type { Chapter } from '../../src/accounts/chapter.entity';
import type { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Circle } from '../../src/circles/circle.entities';
import { CirclePost } from '../../src/circles/post.entities';
import { StoryPublication } from '../../src/directory/story-publication.entity';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { acceptConduct, chapterWithCohort, createPost, together } from '../circles/helpers';
import { chapterWithPage } from './helpers';

const HOSTILE_BODY = [
  'We fixed the bus map! <script>alert("x")</script>',
  '<img src=x onerror=alert(1)> [click](javascript:alert(1)) ]]> end',
  '**Proud** of [our repo](https://example.org/repo)',
].join('\n\n');

describe('stories for the world', () => {
  let t: TestApp;
  let chapter: Chapter;
  let circle: Circle;
  let author: User;
  let authorAgent: Agent;
  let chapterAdmin: User;
  let chapterAdminAgent: Agent;
  let otherAdminAgent: Agent;
  let memberAgent: Agent;
  let anonymous: Agent;
  const m = () => t.dataSource.manager;
  const storiesPage = () => anonymous.get('/chapters/code-for-lowell/stories');
  const feed = () => anonymous.get('/chapters/code-for-lowell/stories.atom');
  const version = async (postId: string) =>
    (await m().findOneByOrFail(CirclePost, { id: postId })).updatedAt.toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    const made = await chapterWithCohort(t.dataSource);
    chapter = made.chapter;
    circle = made.chapterCircle;
    await m().query(`INSERT INTO chapter_pages (chapter_id, slug) VALUES ($1, 'code-for-lowell')`, [
      chapter.id,
    ]);
    author = await createUser(m(), { chapterId: chapter.id });
    await acceptConduct(t.dataSource, author.id);
    authorAgent = await signedInAgent(t.app, author.email);
    chapterAdmin = await createUser(m(), {
      role: 'admin',
      scopeChapterId: chapter.id,
      chapterId: chapter.id,
    });
    chapterAdminAgent = await signedInAgent(t.app, chapterAdmin.email);
    const other = await chapterWithPage(m());
    otherAdminAgent = await signedInAgent(
      t.app,
      (await createUser(m(), { role: 'admin', scopeChapterId: other.chapter.id })).email,
    );
    memberAgent = await signedInAgent(t.app, (await createUser(m(), { chapterId: chapter.id })).email);
    anonymous = anonymousAgent(t.app);
  });
  afterAll(() => t.close());

  it('publishes only after a chapter admin approves, on the page and in a valid, escaped Atom feed', async () => {
    const post = await createPost(t.dataSource, circle.id, author.id, {
      title: 'Bus <map> & us',
      body: HOSTILE_BODY,
    });
    expect((await postForm(memberAgent, `/circles/posts/${post.id}/publish`)).status).toBe(404);
    const asked = await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
    expect(asked.status).toBe(303);
    const row = await m().findOneByOrFail(StoryPublication, { postId: post.id });
    expect(row).toMatchObject({
      requestState: 'pending',
      chapterId: chapter.id,
      requestedBy: author.id,
      publishedAt: null,
    });
    expect(await m().findOneBy(Notification, { userId: chapterAdmin.id, kind: 'stories' })).toMatchObject({
      link: '/admin/stories',
    });
    expect((await storiesPage()).text).not.toContain('Bus &lt;map&gt;');
    expect((await feed()).text).not.toContain('<entry>');

    // Another chapter's admin neither sees nor decides it.
    expect((await otherAdminAgent.get('/admin/stories')).text).not.toContain('Bus &lt;map&gt;');
    const refused = await postForm(otherAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    expect(refused.status).toBe(404);
    expect(await m().findOneByOrFail(StoryPublication, { postId: post.id })).toMatchObject({
      requestState: 'pending',
    });

    expect((await chapterAdminAgent.get('/admin/stories')).text).toContain('Bus &lt;map&gt; &amp; us');
    const approved = await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    expect(approved.status).toBe(303);
    expect(await m().findOneByOrFail(StoryPublication, { postId: post.id })).toMatchObject({
      requestState: 'approved',
      decidedBy: chapterAdmin.id,
      publicTitle: 'Bus <map> & us',
      publicBody: HOSTILE_BODY,
    });
    expect(await m().countBy(Notification, { userId: author.id, kind: 'stories' })).toBe(1);

    const page = await storiesPage();
    expect(page.text).toContain('Bus &lt;map&gt; &amp; us');
    expect(page.text).toContain('<strong>Proud</strong>');
    expect(page.text).not.toMatch(/<script>alert|onerror=|javascript:/);
    expect((await anonymous.get('/chapters/code-for-lowell')).text).toContain(`#story-${post.id}`);

    const atom = await feed();
    expect(atom.status).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atom.text).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\s*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/,
    );
    expect(atom.text).toContain(`<id>urn:uuid:${post.id}</id>`);
    expect(atom.text).toContain(
      '<link rel="self" href="http://academy.test/chapters/code-for-lowell/stories.atom"/>',
    );
    expect(atom.text).toContain('Bus &lt;map&gt; &amp; us');
    const content = /<content type="html"><!\[CDATA\[([\s\S]*?)\]\]><\/content>/.exec(atom.text)![1];
    expect(content).toContain('<strong>Proud</strong>');
    expect(content).not.toMatch(/<script|onerror|javascript:|<img/);
    expect(content).toContain(']]&gt; end');
    expect(
      await m().countBy(AuditEvent, [
        { action: 'story.publish_requested', subjectId: post.id },
        { action: 'story.approved', subjectId: post.id },
      ]),
    ).toBe(2);
  });

  it('keeps the approved text public while an edit waits for approval', async () => {
    const post = await createPost(t.dataSource, circle.id, author.id, {
      title: 'First words',
      body: 'Approved text.',
    });
    await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
    await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    const edited = await postForm(authorAgent, `/circles/posts/${post.id}/edit`, {
      title: 'Second words',
      body: 'Edited, not approved.',
    });
    expect(edited.status).toBe(303);
    const postPage = await authorAgent.get(`/circles/posts/${post.id}`);
    expect(postPage.text).toContain('the public page keeps the approved text');
    expect((await storiesPage()).text).toContain('Approved text.');
    expect((await storiesPage()).text).not.toContain('Edited, not approved.');

    // An approval of a text the admin did not see is refused.
    const stale = await version(post.id);
    await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
    await m().update(CirclePost, { id: post.id }, { body: 'Changed again behind the admin’s back.' });
    const late = await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, { version: stale });
    expect(late.status).toBe(409);
    expect((await storiesPage()).text).toContain('Approved text.');

    await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    const page = await storiesPage();
    expect(page.text).toContain('Changed again behind the admin’s back.');
    expect(page.text).not.toContain('Approved text.');
  });

  it('unpublishes at once with one click by the author, even from the cached public pages', async () => {
    t.app.enable('view cache');
    try {
      const post = await createPost(t.dataSource, circle.id, author.id, {
        title: 'Short lived',
        body: 'Here now.',
      });
      await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
      await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
        version: await version(post.id),
      });
      expect((await storiesPage()).text).toContain('Short lived');
      const cached = await storiesPage();
      expect(cached.text).toContain('Short lived');
      expect(cached.headers.etag).toBeDefined();
      expect((await feed()).text).toContain('Short lived');
      expect((await memberAgent.get('/chapters/code-for-lowell')).status).toBe(200);
      expect((await postForm(memberAgent, `/circles/posts/${post.id}/unpublish`)).status).toBe(404);
      const gone = await postForm(authorAgent, `/circles/posts/${post.id}/unpublish`);
      expect(gone.status).toBe(303);
      expect((await storiesPage()).text).not.toContain('Short lived');
      expect((await feed()).text).not.toContain('Short lived');
      expect(await m().findOneByOrFail(StoryPublication, { postId: post.id })).toMatchObject({
        publishedAt: null,
        publicTitle: null,
        unpublishedBy: author.id,
      });
      expect(await m().countBy(AuditEvent, { action: 'story.unpublished', subjectId: post.id })).toBe(1);
    } finally {
      t.app.disable('view cache');
    }
  });

  it('lets the chapter admin unpublish and decline with a reason the author is told', async () => {
    const post = await createPost(t.dataSource, circle.id, author.id, { title: 'Admin pulls it', body: 'x' });
    await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
    await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    await postForm(chapterAdminAgent, `/circles/posts/${post.id}/unpublish`, { from: 'admin' });
    expect((await storiesPage()).text).not.toContain('Admin pulls it');

    const declined = await createPost(t.dataSource, circle.id, author.id, {
      title: 'Not yet',
      body: 'Names a person.',
    });
    await postForm(authorAgent, `/circles/posts/${declined.id}/publish`);
    expect(
      (await postForm(chapterAdminAgent, `/admin/stories/${declined.id}/decline`, { reason: '' })).status,
    ).toBe(400);
    const response = await postForm(chapterAdminAgent, `/admin/stories/${declined.id}/decline`, {
      reason: 'Please ask Sam before naming them.',
    });
    expect(response.status).toBe(303);
    expect(await m().findOneByOrFail(StoryPublication, { postId: declined.id })).toMatchObject({
      requestState: 'declined',
      declineReason: 'Please ask Sam before naming them.',
      publishedAt: null,
    });
    const told = await m().findOneByOrFail(Notification, {
      userId: author.id,
      title: 'Your story was not published: Not yet',
    });
    expect(told.body).toContain('Please ask Sam before naming them.');
    expect((await authorAgent.get(`/circles/posts/${declined.id}`)).text).toContain(
      'Please ask Sam before naming them.',
    );
  });

  it('never shows hidden posts, and refuses asks that are not stories or not in any chapter', async () => {
    const post = await createPost(t.dataSource, circle.id, author.id, { title: 'Hidden later', body: 'x' });
    await postForm(authorAgent, `/circles/posts/${post.id}/publish`);
    await postForm(chapterAdminAgent, `/admin/stories/${post.id}/approve`, {
      version: await version(post.id),
    });
    expect((await storiesPage()).text).toContain('Hidden later');
    await m().update(CirclePost, { id: post.id }, { hiddenAt: new Date(), hiddenReason: 'Private details' });
    expect((await storiesPage()).text).not.toContain('Hidden later');
    expect((await feed()).text).not.toContain('Hidden later');
    expect((await postForm(authorAgent, `/circles/posts/${post.id}/publish`)).status).toBe(400);

    const ask = await createPost(t.dataSource, circle.id, author.id, {
      kind: 'ask',
      title: 'An ask',
      body: 'x',
    });
    expect((await postForm(authorAgent, `/circles/posts/${ask.id}/publish`)).status).toBe(400);
    expect(await m().countBy(StoryPublication, { postId: ask.id })).toBe(0);

    const topic = await m().save(m().create(Circle, { kind: 'topic', name: 'Fundraising' }));
    const loner = await createUser(m(), { chapterId: null });
    await acceptConduct(t.dataSource, loner.id);
    const nowhere = await createPost(t.dataSource, topic.id, loner.id, { title: 'Nowhere', body: 'x' });
    const refused = await postForm(
      await signedInAgent(t.app, loner.email),
      `/circles/posts/${nowhere.id}/publish`,
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('neither this circle nor your account belongs to a chapter');
    expect(await m().countBy(StoryPublication, { postId: nowhere.id })).toBe(0);
  });

  it('records one request, one audit row and one notice for a burst of asks, and one decision for a burst of approvals', async () => {
    const post = await createPost(t.dataSource, circle.id, author.id, { title: 'Burst', body: 'x' });
    const asks = await together(authorAgent, `/circles/posts/${post.id}/publish`, 6, () => ({}));
    expect(asks.map((r) => r.status)).toEqual(Array(6).fill(303));
    expect(await m().countBy(StoryPublication, { postId: post.id })).toBe(1);
    expect(await m().countBy(AuditEvent, { action: 'story.publish_requested', subjectId: post.id })).toBe(1);
    expect(
      await m().countBy(Notification, {
        userId: chapterAdmin.id,
        title: 'A story asks to be published: Burst',
      }),
    ).toBe(1);
    const v = await version(post.id);
    const approvals = await together(chapterAdminAgent, `/admin/stories/${post.id}/approve`, 4, () => ({
      version: v,
    }));
    expect(approvals.map((r) => r.status).sort()).toEqual([303, 409, 409, 409]);
    expect(await m().countBy(AuditEvent, { action: 'story.approved', subjectId: post.id })).toBe(1);
  });

  it("refuses an admin's approval of their own story (another admin decides)", async () => {
    await acceptConduct(t.dataSource, chapterAdmin.id);
    const own = await createPost(t.dataSource, circle.id, chapterAdmin.id, { title: 'Mine', body: 'x' });
    await postForm(chapterAdminAgent, `/circles/posts/${own.id}/publish`);
    const response = await postForm(chapterAdminAgent, `/admin/stories/${own.id}/approve`, {
      version: await version(own.id),
    });
    expect(response.status).toBe(403);
    expect(await m().findOneByOrFail(StoryPublication, { postId: own.id })).toMatchObject({
      requestState: 'pending',
    });
    expect(await m().countBy(AuditEvent, { action: 'story.approved', subjectId: own.id })).toBe(0);
  });
});
