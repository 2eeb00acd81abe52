import { AuditEvent } from '../../src/audit/audit-event.entity';
import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { CircleReport, CircleRevision } from '../../src/circles/safety.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';
import { acceptConduct, chapterWithCohort, createPost, together } from './helpers';

describe('circles: safe space', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  async function circleWithPeople() {
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    const author = await createUser(m(), { chapterId: chapter.id });
    const reader = await createUser(m(), { chapterId: chapter.id });
    const coach = await createUser(m(), { role: 'coach', chapterId: chapter.id });
    for (const person of [author, reader]) await acceptConduct(t.dataSource, person.id);
    const post = await createPost(t.dataSource, chapterCircle.id, author.id, { kind: 'ask', title: 'Room?' });
    const reply = await m().save(
      m().create(CircleReply, { postId: post.id, authorId: author.id, body: 'Rude words' }),
    );
    return {
      post,
      reply,
      author: await signedInAgent(t.app, author.email),
      reader: await signedInAgent(t.app, reader.email),
      coach: await signedInAgent(t.app, coach.email),
      readerId: reader.id,
      coachId: coach.id,
    };
  }

  it('a report reaches the hosts’ queue once; a host hides the reply with a reason the author sees; all audited', async () => {
    const c = await circleWithPeople();
    const reports = await together(c.reader, `/circles/replies/${c.reply.id}/report`, 2, () => ({
      reason: 'Unkind',
    }));
    expect(reports.map((r) => r.status)).toEqual([303, 303]);
    expect(await m().countBy(CircleReport, { replyId: c.reply.id })).toBe(1);
    expect(await m().countBy(AuditEvent, { action: 'circle.reported', subjectId: c.reply.id })).toBe(1);
    expect((await postForm(c.reader, `/circles/replies/${c.reply.id}/report`, {})).status).toBe(400);

    const queue = await c.coach.get('/circles/moderation');
    expect(queue.text).toContain('Unkind');
    expect((await c.reader.get('/circles/moderation')).text).not.toContain('Unkind');

    const notHost = await postForm(c.reader, `/circles/replies/${c.reply.id}/hide`, { reason: 'No' });
    expect(notHost.status).toBe(404);
    const hidden = await postForm(c.coach, `/circles/replies/${c.reply.id}/hide`, {
      reason: 'Please keep it kind',
    });
    expect(hidden.status).toBe(303);
    expect(await m().findOneByOrFail(CircleReply, { id: c.reply.id })).toMatchObject({
      hiddenReason: 'Please keep it kind',
    });
    const report = await m().findOneByOrFail(CircleReport, { replyId: c.reply.id });
    expect(report.resolvedAt).toBeInstanceOf(Date);
    expect(await m().countBy(AuditEvent, { action: 'circle.hidden', actorId: c.coachId })).toBe(1);
    expect((await c.author.get(`/circles/posts/${c.post.id}`)).text).toContain('Please keep it kind');
    const readerView = await c.reader.get(`/circles/posts/${c.post.id}`);
    expect(readerView.text).not.toContain('Rude words');
    expect((await c.coach.get('/circles/moderation')).text).not.toContain('Unkind');
  });

  it('a hidden post is gone for members but its author sees why', async () => {
    const c = await circleWithPeople();
    await postForm(c.coach, `/circles/posts/${c.post.id}/hide`, { reason: 'Off topic' });
    expect((await c.reader.get(`/circles/posts/${c.post.id}`)).status).toBe(404);
    expect((await c.author.get(`/circles/posts/${c.post.id}`)).text).toContain('Off topic');
  });

  it('a locked thread takes no replies', async () => {
    const c = await circleWithPeople();
    expect((await postForm(c.reader, `/circles/posts/${c.post.id}/lock`)).status).toBe(404);
    expect((await postForm(c.coach, `/circles/posts/${c.post.id}/lock`, { locked: 'yes' })).status).toBe(303);
    expect((await m().findOneByOrFail(CirclePost, { id: c.post.id })).lockedAt).toBeInstanceOf(Date);
    const refused = await postForm(c.reader, `/circles/posts/${c.post.id}/replies`, { body: 'Late' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('closed to new replies');
    expect(await m().countBy(CircleReply, { postId: c.post.id })).toBe(1);
    expect(await m().countBy(AuditEvent, { action: 'circle.locked', subjectId: c.post.id })).toBe(1);
  });

  it('keeps the earlier text of an edited post; only the author may edit', async () => {
    const c = await circleWithPeople();
    expect(
      (await postForm(c.reader, `/circles/posts/${c.post.id}/edit`, { title: 'X', body: 'Y' })).status,
    ).toBe(403);
    const edited = await postForm(c.author, `/circles/posts/${c.post.id}/edit`, {
      title: 'Room booked?',
      body: 'New',
    });
    expect(edited.status).toBe(303);
    expect(await m().findOneByOrFail(CirclePost, { id: c.post.id })).toMatchObject({
      title: 'Room booked?',
      body: 'New',
    });
    expect(await m().findBy(CircleRevision, { postId: c.post.id })).toEqual([
      expect.objectContaining({ title: 'Room?', body: 'It went well.' }),
    ]);
  });

  it('limits posting to 10 in 10 minutes, counted atomically under a burst', async () => {
    const c = await circleWithPeople();
    const burst = await together(c.reader, `/circles/posts/${c.post.id}/replies`, 13, (i) => ({
      body: `Reply ${i}`,
    }));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 303)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(await m().countBy(CircleReply, { postId: c.post.id, authorId: c.readerId })).toBe(10);
  });
});
