import { Circle, CircleMember } from '../../src/circles/circle.entities';
import { CircleReply, ReplyHelped } from '../../src/circles/post.entities';
import { User } from '../../src/accounts/user.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, signedInAgent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';
import { chapterWithCohort, createPost } from './helpers';

const titles = (html: string) =>
  [...html.matchAll(/<h3><a href="\/circles\/posts\/[^"]+">([^<]+)<\/a>/g)].map((x) => x[1]);

describe('circles: search across your circles, and circle profiles', () => {
  const counter = new QueryCounter();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter });
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  async function twoChapters() {
    const mine = await chapterWithCohort(t.dataSource);
    const theirs = await chapterWithCohort(t.dataSource);
    const reader = await createUser(m(), { chapterId: mine.chapter.id, cohortId: mine.cohort.id });
    const neighbour = await createUser(m(), { chapterId: mine.chapter.id, displayName: 'Nia Neighbour' });
    const stranger = await createUser(m(), { chapterId: theirs.chapter.id });
    const coach = await createUser(m(), { role: 'coach', chapterId: mine.chapter.id });
    const scopedAdmin = await createUser(m(), { role: 'admin', scopeChapterId: theirs.chapter.id });
    return { mine, theirs, reader, neighbour, stranger, coach, scopedAdmin };
  }

  it('finds only what the reader may read: their circles, not hidden posts of others; hosts and authors see hidden ones', async () => {
    const w = await twoChapters();
    const tag = `zebracrossing${Date.now()}`;
    await createPost(t.dataSource, w.mine.chapterCircle.id, w.neighbour.id, {
      title: `Chapter ${tag}`,
      body: 'Room tips',
    });
    await createPost(t.dataSource, w.mine.cohortCircle.id, w.neighbour.id, {
      kind: 'ask',
      title: `Cohort ask`,
      body: `About ${tag}`,
    });
    await createPost(t.dataSource, w.theirs.chapterCircle.id, w.stranger.id, { title: `Elsewhere ${tag}` });
    await createPost(t.dataSource, w.mine.chapterCircle.id, w.neighbour.id, {
      title: `Hidden ${tag}`,
      hiddenAt: new Date(),
      hiddenReason: 'Off topic',
    });
    const topic = await m().save(m().create(Circle, { kind: 'topic', name: `Topic ${tag}` }));
    await createPost(t.dataSource, topic.id, w.stranger.id, { title: `Topic ${tag}` });

    const reader = await signedInAgent(t.app, w.reader.email);
    const found = await reader.get(`/circles/search?q=${tag}`);
    expect(found.status).toBe(200);
    expect(titles(found.text).sort()).toEqual([`Chapter ${tag}`, 'Cohort ask'].sort());

    await m().save(m().create(CircleMember, { circleId: topic.id, userId: w.reader.id }));
    expect(titles((await reader.get(`/circles/search?q=${tag}`)).text)).toContain(`Topic ${tag}`);
    expect(titles((await reader.get(`/circles/search?q=${tag}&kind=ask&unanswered=yes`)).text)).toEqual([
      'Cohort ask',
    ]);
    expect(titles((await reader.get(`/circles/search?q="${tag}" -room`)).text)).not.toContain(
      `Chapter ${tag}`,
    );

    const author = await signedInAgent(t.app, w.neighbour.email);
    expect(titles((await author.get(`/circles/search?q=${tag}`)).text)).toContain(`Hidden ${tag}`);
    const coach = await signedInAgent(t.app, w.coach.email);
    expect(titles((await coach.get(`/circles/search?q=${tag}`)).text)).toContain(`Hidden ${tag}`);
    const stranger = await signedInAgent(t.app, w.stranger.email);
    expect(titles((await stranger.get(`/circles/search?q=${tag}`)).text)).toEqual([`Elsewhere ${tag}`]);

    await m().update(User, { id: w.reader.id }, { chapterId: w.theirs.chapter.id, cohortId: null });
    const moved = titles((await reader.get(`/circles/search?q=${tag}`)).text);
    expect(moved).not.toContain(`Chapter ${tag}`);
    expect(moved).not.toContain('Cohort ask');

    const anonymous = await anonymousAgent(t.app).get(`/circles/search?q=${tag}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    for (const odd of [
      '?q=%00',
      '?q=!!!&kind=poem&unanswered=maybe&module=../x&after=junk',
      '?q=' + 'a'.repeat(500),
    ])
      expect((await reader.get(`/circles/search${odd}`)).status).toBe(200);
  });

  it('pages search results by keyset with the same number of queries on every page, filtered by module', async () => {
    const w = await twoChapters();
    for (let i = 0; i < 45; i += 1)
      await createPost(t.dataSource, w.mine.chapterCircle.id, w.neighbour.id, {
        title: `Numbered ${i}`,
        moduleId: i % 3 === 0 ? 'facilitation' : 'people-first',
        createdAt: new Date(Date.UTC(2026, 2, 1, 0, i)),
      });
    const reader = await signedInAgent(t.app, w.reader.email);
    const seen: string[] = [];
    const queryCounts: number[] = [];
    let url: string | null = '/circles/search?module=people-first';
    while (url) {
      counter.queries = [];
      const page = await reader.get(url);
      queryCounts.push(counter.queries.length);
      seen.push(...[...page.text.matchAll(/Numbered (\d+)/g)].map((x) => x[1]));
      const next = /href="(\/circles\/search\?[^"]*after=[^"]+)"/.exec(page.text);
      url = next ? next[1].replace(/&amp;/g, '&') : null;
    }
    const expected = Array.from({ length: 45 }, (_, i) => 44 - i)
      .filter((i) => i % 3 !== 0)
      .map(String);
    expect(seen).toEqual(expected);
    expect(queryCounts).toHaveLength(2);
    expect(new Set(queryCounts).size).toBe(1);
  });

  it('shows a person’s stories and the asks they helped answer to people who share a circle; 404 to others', async () => {
    const w = await twoChapters();
    const story = await createPost(t.dataSource, w.mine.chapterCircle.id, w.neighbour.id, {
      title: 'Our first hack night',
    });
    await createPost(t.dataSource, w.mine.chapterCircle.id, w.neighbour.id, {
      title: 'A hidden story',
      hiddenAt: new Date(),
      hiddenReason: 'Private details',
    });
    const ask = await createPost(t.dataSource, w.mine.chapterCircle.id, w.reader.id, {
      kind: 'ask',
      title: 'Where to meet?',
    });
    const answer = await m().save(
      m().create(CircleReply, { postId: ask.id, authorId: w.neighbour.id, body: 'The library' }),
    );
    await m().update('circle_posts', { id: ask.id }, { answerReplyId: answer.id });
    await m().save(m().create(ReplyHelped, { replyId: answer.id, userId: w.reader.id }));
    const elsewhere = await createPost(t.dataSource, w.theirs.chapterCircle.id, w.neighbour.id, {
      title: 'Visiting story',
    });

    const url = `/circles/people/${w.neighbour.id}`;
    const page = await (await signedInAgent(t.app, w.reader.email)).get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Nia Neighbour');
    expect(page.text).toContain(`/circles/posts/${story.id}`);
    expect(page.text).toContain(`/circles/posts/${ask.id}#reply-${answer.id}`);
    expect(page.text).toContain('marked “This helped” 1 time');
    expect(page.text).not.toContain('A hidden story');
    expect(page.text).not.toContain(elsewhere.id);
    expect((await (await signedInAgent(t.app, w.coach.email)).get(url)).text).toContain('A hidden story');

    expect((await (await signedInAgent(t.app, w.stranger.email)).get(url)).status).toBe(404);
    expect((await (await signedInAgent(t.app, w.scopedAdmin.email)).get(url)).status).toBe(404);
    const academyAdmin = await createUser(m(), { role: 'admin' });
    const adminPage = await (await signedInAgent(t.app, academyAdmin.email)).get(url);
    expect(adminPage.status).toBe(200);
    expect(adminPage.text).toContain(elsewhere.id);
    expect((await anonymousAgent(t.app).get(url)).status).toBe(303);
    expect((await (await signedInAgent(t.app, w.reader.email)).get('/circles/people/not-an-id')).status).toBe(
      404,
    );

    await m().update(User, { id: w.reader.id }, { chapterId: w.theirs.chapter.id, cohortId: null });
    expect((await (await signedInAgent(t.app, w.reader.email)).get(url)).status).toBe(404);
  });
});
