import { User } from '../../src/accounts/user.entity';
import { CirclePost } from '../../src/circles/post.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { chapterWithCohort, createPost } from '../circles/helpers';

const HOUR = 3_600_000;

describe('probe: the cached "Asks waiting for help" follows the coach', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('stops showing a chapter’s asks to a coach moved to another chapter, at once', async () => {
    t = await startTestApp();
    t.app.enable('view cache');
    const m = t.dataSource.manager;
    const first = await chapterWithCohort(t.dataSource);
    const second = await chapterWithCohort(t.dataSource);
    const asker = await createUser(m, { chapterId: first.chapter.id });
    const coach = await createUser(m, { role: 'coach', chapterId: first.chapter.id });
    const ask = await createPost(t.dataSource, first.chapterCircle.id, asker.id, {
      kind: 'ask',
      title: 'Private worry of the first chapter',
    });
    await m.update(CirclePost, { id: ask.id }, { createdAt: new Date(Date.now() - 50 * HOUR) });
    const agent = await signedInAgent(t.app, coach.email);
    expect((await agent.get('/coach')).text).toContain('Private worry of the first chapter');

    // An admin moves the coach to the second chapter: they can no longer read the first one's circle.
    await m.update(User, { id: coach.id }, { chapterId: second.chapter.id });
    expect((await agent.get(`/circles/posts/${ask.id}`)).status).toBe(404);
    const after = await agent.get('/coach');
    expect(after.status).toBe(200);
    expect(after.text).not.toContain('Private worry of the first chapter');
    expect(after.text).toContain('No ask in your circles is waiting for help.');
  });
});
