import { User } from '../../src/accounts/user.entity';
import { CirclePost } from '../../src/circles/post.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';
import { acceptConduct, chapterWithCohort, createPost, postIdFrom } from './helpers';

const TRACK = 'civic-tech-host';
const MODULE = 'people-first';
const MILESTONE = 'people-first-listening-tour';
const modulePage = `/tracks/${TRACK}/${MODULE}`;

describe('circles: posts linked to the curriculum, peers on a module, feedback from a milestone', () => {
  const counter = new QueryCounter();
  let t: TestApp;
  let circleId: string;
  let author: User;
  let authorAgent: Agent;
  let peerAgent: Agent;
  let outsiderAgent: Agent;
  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter });
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    circleId = chapterCircle.id;
    author = await createUser(t.dataSource.manager, { chapterId: chapter.id, displayName: 'Ann Author' });
    const peer = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    const other = await chapterWithCohort(t.dataSource);
    const outsider = await createUser(t.dataSource.manager, { chapterId: other.chapter.id });
    await acceptConduct(t.dataSource, author.id);
    authorAgent = await signedInAgent(t.app, author.email);
    peerAgent = await signedInAgent(t.app, peer.email);
    outsiderAgent = await signedInAgent(t.app, outsider.email);
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  it('stores a linked milestone with its module; refuses a link the curriculum does not have', async () => {
    const form = await authorAgent.get(`/circles/${circleId}/new?kind=ask`);
    expect(form.text).toContain(`value="milestone:${MILESTONE}"`);
    const posted = await postForm(authorAgent, `/circles/${circleId}/posts`, {
      kind: 'ask',
      title: 'Listening tour: who first?',
      body: 'Whom should I talk to first?',
      link: `milestone:${MILESTONE}`,
    });
    expect(posted.status).toBe(303);
    const post = await m().findOneByOrFail(CirclePost, { id: postIdFrom(posted.headers.location) });
    expect(post).toMatchObject({ moduleId: MODULE, milestoneId: MILESTONE });
    const page = await peerAgent.get(`/circles/posts/${post.id}`);
    expect(page.text).toContain(`href="${modulePage}#milestone-${MILESTONE}"`);

    const before = await m().countBy(CirclePost, { authorId: author.id });
    for (const link of ['module:no-such-module', 'milestone:nope', 'track:x', 'module:']) {
      const bad = await postForm(authorAgent, `/circles/${circleId}/posts`, {
        kind: 'story',
        title: 'T',
        body: 'B',
        link,
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Choose a module or milestone from the list, or nothing.');
    }
    expect(await m().countBy(CirclePost, { authorId: author.id })).toBe(before);
  });

  it('shows "Peers on this module" from the viewer’s circles only, newest first, bounded, in a constant number of queries', async () => {
    for (let i = 0; i < 7; i += 1)
      await createPost(t.dataSource, circleId, author.id, {
        title: `Peer post ${i}`,
        moduleId: MODULE,
        createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)),
      });
    await createPost(t.dataSource, circleId, author.id, {
      title: 'Hidden peer post',
      moduleId: MODULE,
      hiddenAt: new Date(),
      hiddenReason: 'Off topic',
    });
    const page = await peerAgent.get(modulePage);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Peers on this module');
    const shown = [...page.text.matchAll(/(Listening tour: who first\?|Peer post \d)/g)].map((x) => x[1]);
    expect(shown).toEqual([
      'Listening tour: who first?',
      'Peer post 6',
      'Peer post 5',
      'Peer post 4',
      'Peer post 3',
    ]);
    expect(page.text).not.toContain('Hidden peer post');
    expect(page.text).toContain(`/circles/search?module=${MODULE}`);

    const outsider = await outsiderAgent.get(modulePage);
    expect(outsider.text).toContain('Peers on this module');
    expect(outsider.text).not.toContain('Peer post');
    expect((await anonymousAgent(t.app).get(modulePage)).text).not.toContain('Peers on this module');

    counter.queries = [];
    await peerAgent.get(modulePage);
    const few = counter.queries.length;
    for (let i = 0; i < 20; i += 1)
      await createPost(t.dataSource, circleId, author.id, { title: `More ${i}`, moduleId: MODULE });
    counter.queries = [];
    await peerAgent.get(modulePage);
    expect(counter.queries.length).toBe(few);
  });

  it('puts each reader’s own peers into the cached module page', async () => {
    t.app.enable('view cache');
    try {
      const first = await peerAgent.get(modulePage);
      expect(first.text).toContain('More 19');
      const outsider = await outsiderAgent.get(modulePage);
      expect(outsider.text).toContain('Peers on this module');
      expect(outsider.text).not.toContain('More 19');
      expect(outsider.text).not.toMatch(/oa-slot-/);
    } finally {
      t.app.disable('view cache');
    }
  });

  it('keeps each reader’s peers in memory until a post changes anywhere, never showing one reader another’s', async () => {
    t.app.enable('view cache');
    try {
      const title = 'Peers cache: posted from another process';
      await peerAgent.get(modulePage);
      await outsiderAgent.get(modulePage);
      counter.queries = [];
      const warm = await peerAgent.get(modulePage);
      expect(warm.status).toBe(200);
      expect(counter.queries.filter((q) => q.includes('circle_posts'))).toEqual([]);
      // Written straight to the database, as another app process would: the trigger's notice
      // (not the time-to-live) empties the cache.
      await m().query(
        `INSERT INTO circle_posts (circle_id, author_id, kind, title, body, module_id)
         VALUES ($1, $2, 'story', $3, 'x', $4)`,
        [circleId, author.id, title, MODULE],
      );
      let seen = false;
      for (let i = 0; i < 50 && !seen; i += 1) {
        seen = (await peerAgent.get(modulePage)).text.includes(title);
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen).toBe(true);
      expect((await outsiderAgent.get(modulePage)).text).not.toContain(title);
    } finally {
      t.app.disable('view cache');
    }
  });

  it('asks a circle for feedback on a milestone draft, prefilled from the milestone page', async () => {
    const milestonePage = await authorAgent.get(`/me/milestones/${MILESTONE}`);
    expect(milestonePage.text).toContain(`formaction="/circles/ask-feedback/draft?milestone=${MILESTONE}"`);
    const draft = await postForm(authorAgent, `/circles/ask-feedback/draft?milestone=${MILESTONE}`, {
      body: 'I met **six** neighbours.',
      links: '',
    });
    expect(draft.status).toBe(200);
    expect(draft.text).toContain('I met **six** neighbours.');
    expect(draft.text).toContain(`value="milestone:${MILESTONE}"`);
    expect(draft.text).toContain(`value="${circleId}"`);

    const missing = await postForm(authorAgent, '/circles/ask-feedback', {
      circleId,
      title: 'Draft',
      body: '',
      link: `milestone:${MILESTONE}`,
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Paste your draft.');

    const sent = await postForm(authorAgent, '/circles/ask-feedback', {
      circleId,
      title: 'Feedback on my listening tour',
      body: 'I met **six** neighbours.',
      link: `milestone:${MILESTONE}`,
    });
    expect(sent.status).toBe(303);
    const post = await m().findOneByOrFail(CirclePost, { id: postIdFrom(sent.headers.location) });
    expect(post).toMatchObject({ kind: 'feedback', moduleId: MODULE, milestoneId: MILESTONE, circleId });

    const elsewhere = await postForm(authorAgent, '/circles/ask-feedback', {
      circleId: (await chapterWithCohort(t.dataSource)).chapterCircle.id,
      title: 'Not my circle',
      body: 'x',
    });
    expect(elsewhere.status).toBe(404);
    expect(await m().countBy(CirclePost, { title: 'Not my circle' })).toBe(0);
    expect((await authorAgent.get('/circles/ask-feedback?milestone=nope')).status).toBe(404);
  });

  it('asks for the code of conduct in the feedback form itself, keeping the draft', async () => {
    const refused = await postForm(peerAgent, '/circles/ask-feedback', {
      circleId,
      title: 'My plan',
      body: 'Plan text',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Please accept the code of conduct before your first post.');
    expect(refused.text).toContain('Plan text');
    const accepted = await postForm(peerAgent, '/circles/ask-feedback', {
      circleId,
      title: 'My plan',
      body: 'Plan text',
      conduct: 'yes',
    });
    expect(accepted.status).toBe(303);
    expect(await m().countBy(CirclePost, { title: 'My plan' })).toBe(1);
  });
});
