import { User } from '../../src/accounts/user.entity';
import { CircleReply } from '../../src/circles/post.entities';
import { CircleRevision } from '../../src/circles/safety.entities';
import { CircleMention } from '../../src/circles/talk.entities';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';
import { acceptConduct, chapterWithCohort, createPost, postIdFrom, together } from './helpers';

describe('circles: @mentions and reply editing', () => {
  let t: TestApp;
  let circleId: string;
  let ann: User;
  let bea: User;
  let cal: User;
  let twinA: User;
  let outsider: User;
  let annAgent: Agent;
  let beaAgent: Agent;
  let coachAgent: Agent;
  beforeAll(async () => {
    t = await startTestApp();
    const db = t.dataSource.manager;
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    circleId = chapterCircle.id;
    ann = await createUser(db, { chapterId: chapter.id, displayName: 'Ann Author' });
    bea = await createUser(db, { chapterId: chapter.id, displayName: 'Bea  Brave' });
    cal = await createUser(db, { chapterId: chapter.id, displayName: 'Cal Calm' });
    twinA = await createUser(db, { chapterId: chapter.id, displayName: 'Sam Same' });
    await createUser(db, { chapterId: chapter.id, displayName: 'Sam Same' });
    const coach = await createUser(db, { role: 'coach', chapterId: chapter.id, displayName: 'Coach Cora' });
    const other = await chapterWithCohort(t.dataSource);
    outsider = await createUser(db, { chapterId: other.chapter.id, displayName: 'Olga Outside' });
    await createUser(db, { chapterId: chapter.id, displayName: 'Gone Member', active: false });
    for (const person of [ann, bea, coach]) await acceptConduct(t.dataSource, person.id);
    annAgent = await signedInAgent(t.app, ann.email);
    beaAgent = await signedInAgent(t.app, bea.email);
    coachAgent = await signedInAgent(t.app, coach.email);
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;
  const mentionsOf = (userId: string) => m().countBy(Notification, { userId, kind: 'circles' });

  it('notifies exactly the circle members mentioned: not outsiders, former members, ambiguous names or oneself', async () => {
    const posted = await postForm(annAgent, `/circles/${circleId}/posts`, {
      kind: 'story',
      title: 'We booked the room',
      body: 'Thanks @[bea brave] and @[Cal Calm]! cc @[Olga Outside] @[Sam Same] @[Gone Member] @[Ann Author] @[Nobody]',
    });
    expect(posted.status).toBe(303);
    const postId = postIdFrom(posted.headers.location);
    const rows = await m().findBy(CircleMention, { postId });
    expect(rows.map((r) => r.userId).sort()).toEqual([ann.id, bea.id, cal.id].sort());
    expect(await mentionsOf(bea.id)).toBe(1);
    expect(await mentionsOf(cal.id)).toBe(1);
    expect(await mentionsOf(ann.id)).toBe(0);
    expect(await mentionsOf(outsider.id)).toBe(0);
    expect(await mentionsOf(twinA.id)).toBe(0);
    const notice = await m().findOneByOrFail(Notification, { userId: bea.id, kind: 'circles' });
    expect(notice).toMatchObject({
      link: `/circles/posts/${postId}`,
      title: 'Ann Author mentioned you in “We booked the room”',
    });

    const page = await beaAgent.get(`/circles/posts/${postId}`);
    expect(page.text).toContain(
      `<a href="/circles/people/${bea.id}" rel="nofollow ugc noopener noreferrer">@bea brave</a>`,
    );
    expect(page.text).toContain('@[Olga Outside]');
    expect(page.text).not.toContain(`/circles/people/${outsider.id}`);
  });

  it('an edit notifies only people mentioned for the first time', async () => {
    const post = await createPost(t.dataSource, circleId, ann.id, {
      title: 'Edited',
      body: 'Hi @[Cal Calm]',
    });
    const first = await postForm(annAgent, `/circles/posts/${post.id}/edit`, {
      title: 'Edited',
      body: 'Hi @[Cal Calm] @[Bea Brave]',
    });
    expect(first.status).toBe(303);
    const calBefore = await mentionsOf(cal.id);
    const beaBefore = await mentionsOf(bea.id);
    await postForm(annAgent, `/circles/posts/${post.id}/edit`, {
      title: 'Edited',
      body: 'Hi @[Cal Calm] @[Bea Brave] again',
    });
    expect(await mentionsOf(cal.id)).toBe(calBefore);
    expect(await mentionsOf(bea.id)).toBe(beaBefore);
    expect(await m().countBy(CircleMention, { postId: post.id })).toBe(2);
  });

  it('hidden content notifies nobody', async () => {
    const post = await createPost(t.dataSource, circleId, ann.id, {
      title: 'Hidden one',
      hiddenAt: new Date(),
      hiddenReason: 'Off topic',
    });
    const before = await mentionsOf(cal.id);
    const edited = await postForm(annAgent, `/circles/posts/${post.id}/edit`, {
      title: 'Hidden one',
      body: 'Hey @[Cal Calm]',
    });
    expect(edited.status).toBe(303);
    expect(await mentionsOf(cal.id)).toBe(before);
  });

  it('mentions in replies notify with a link to the reply; the author edits a reply, history kept, new mentions only', async () => {
    const post = await createPost(t.dataSource, circleId, ann.id, { kind: 'ask', title: 'Room?' });
    const replied = await postForm(beaAgent, `/circles/posts/${post.id}/replies`, {
      body: 'Ask @[Ann Author]',
    });
    expect(replied.status).toBe(303);
    const reply = await m().findOneByOrFail(CircleReply, { postId: post.id });
    const notice = await m().findOneOrFail(Notification, {
      where: { userId: ann.id, kind: 'circles' },
      order: { createdAt: 'DESC' },
    });
    expect(notice.link).toBe(`/circles/posts/${post.id}#reply-${reply.id}`);

    expect((await annAgent.get(`/circles/replies/${reply.id}/edit`)).status).toBe(403);
    expect((await postForm(annAgent, `/circles/replies/${reply.id}/edit`, { body: 'Mine now' })).status).toBe(
      403,
    );
    expect((await coachAgent.get(`/circles/replies/${reply.id}/edit`)).status).toBe(403);
    const form = await beaAgent.get(`/circles/replies/${reply.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Ask @[Ann Author]');
    expect((await postForm(beaAgent, `/circles/replies/${reply.id}/edit`, { body: ' ' })).status).toBe(400);

    const annBefore = await mentionsOf(ann.id);
    const calBefore = await mentionsOf(cal.id);
    const saved = await postForm(beaAgent, `/circles/replies/${reply.id}/edit`, {
      body: 'Ask @[Ann Author] or @[Cal Calm]',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/circles/posts/${post.id}#reply-${reply.id}`);
    expect((await m().findOneByOrFail(CircleReply, { id: reply.id })).body).toBe(
      'Ask @[Ann Author] or @[Cal Calm]',
    );
    expect(await m().findBy(CircleRevision, { replyKey: reply.id })).toEqual([
      expect.objectContaining({ postId: post.id, body: 'Ask @[Ann Author]', title: null, editedBy: bea.id }),
    ]);
    expect(await mentionsOf(ann.id)).toBe(annBefore);
    expect(await mentionsOf(cal.id)).toBe(calBefore + 1);
    expect((await beaAgent.get(`/circles/posts/${post.id}`)).text).toContain(
      `/circles/replies/${reply.id}/edit`,
    );
  });

  it('a hidden reply, a locked thread or a hidden post cannot be edited; strangers get 404', async () => {
    const post = await createPost(t.dataSource, circleId, ann.id, { kind: 'ask', title: 'Closed?' });
    const reply = await m().save(
      m().create(CircleReply, { postId: post.id, authorId: bea.id, body: 'Original' }),
    );
    const outsiderAgent = await signedInAgent(t.app, outsider.email);
    expect((await outsiderAgent.get(`/circles/replies/${reply.id}/edit`)).status).toBe(404);
    expect((await postForm(outsiderAgent, `/circles/replies/${reply.id}/edit`, { body: 'x' })).status).toBe(
      404,
    );

    await postForm(coachAgent, `/circles/posts/${post.id}/lock`, { locked: 'yes' });
    const locked = await postForm(beaAgent, `/circles/replies/${reply.id}/edit`, { body: 'Changed' });
    expect(locked.status).toBe(409);
    expect(locked.text).toContain('This thread is closed');
    await postForm(coachAgent, `/circles/posts/${post.id}/lock`, { locked: 'no' });

    await postForm(coachAgent, `/circles/replies/${reply.id}/hide`, { reason: 'Unkind' });
    const hidden = await postForm(beaAgent, `/circles/replies/${reply.id}/edit`, { body: 'Changed' });
    expect(hidden.status).toBe(409);
    expect((await annAgent.get(`/circles/replies/${reply.id}/edit`)).status).toBe(404);
    expect((await m().findOneByOrFail(CircleReply, { id: reply.id })).body).toBe('Original');
    expect(await m().countBy(CircleRevision, { replyKey: reply.id })).toBe(0);
  });

  it('two edits at once each keep the text they replaced, and a person newly mentioned by both is told once', async () => {
    const post = await createPost(t.dataSource, circleId, ann.id, { kind: 'ask', title: 'Busy' });
    const reply = await m().save(
      m().create(CircleReply, { postId: post.id, authorId: bea.id, body: 'First' }),
    );
    const before = await mentionsOf(cal.id);
    const edits = await together(beaAgent, `/circles/replies/${reply.id}/edit`, 2, (i) => ({
      body: `Edit ${i} for @[Cal Calm]`,
    }));
    expect(edits.map((r) => r.status)).toEqual([303, 303]);
    const kept = (await m().findBy(CircleRevision, { replyKey: reply.id })).map((r) => r.body).sort();
    const final = (await m().findOneByOrFail(CircleReply, { id: reply.id })).body;
    expect(kept).toHaveLength(2);
    expect(kept).toContain('First');
    expect([...kept, final].sort()).toEqual(
      ['Edit 0 for @[Cal Calm]', 'Edit 1 for @[Cal Calm]', 'First'].sort(),
    );
    expect(await mentionsOf(cal.id)).toBe(before + 1);
  });
});
