import { CirclePost } from '../../src/circles/post.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';
import { acceptConduct, chapterWithCohort } from '../circles/helpers';

const MODULE = 'people-first';

describe('probe: circle talk keeps what people typed', () => {
  let t: TestApp;
  let circleId: string;
  let agent: Agent;
  let authorId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    circleId = chapterCircle.id;
    const author = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    authorId = author.id;
    await acceptConduct(t.dataSource, author.id);
    agent = await signedInAgent(t.app, author.email);
  });
  afterAll(() => t.close());

  it('re-renders the feedback form with the draft when a module (not a milestone) was chosen and a field is missing', async () => {
    const form = await agent.get('/circles/ask-feedback');
    expect(form.status).toBe(200);
    expect(form.text).toContain(`value="module:${MODULE}"`);
    const missing = await postForm(agent, '/circles/ask-feedback', {
      circleId,
      title: '',
      body: 'My precious draft about neighbours.',
      link: `module:${MODULE}`,
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter a title.');
    expect(missing.text).toContain('My precious draft about neighbours.');
    expect(await t.dataSource.manager.countBy(CirclePost, { authorId })).toBe(0);
  });

  it('refuses a milestone the curriculum no longer has with a message, keeping the draft', async () => {
    const stale = await postForm(agent, '/circles/ask-feedback', {
      circleId,
      title: 'Feedback please',
      body: 'Draft kept after a curriculum change.',
      link: 'milestone:gone-since-you-opened-the-page',
    });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('Choose a module or milestone from the list, or nothing.');
    expect(stale.text).toContain('Draft kept after a curriculum change.');
    expect(await t.dataSource.manager.countBy(CirclePost, { authorId })).toBe(0);
  });

  it('posts a feedback request about a module', async () => {
    const sent = await postForm(agent, '/circles/ask-feedback', {
      circleId,
      title: 'About the module',
      body: 'Draft.',
      link: `module:${MODULE}`,
    });
    expect(sent.status).toBe(303);
    const post = await t.dataSource.manager.findOneByOrFail(CirclePost, { authorId });
    expect(post).toMatchObject({ kind: 'feedback', moduleId: MODULE, milestoneId: null });
  });

  it('keeps a search longer than the limit as typed (cut to 200 characters), not silently emptied', async () => {
    const long = `neighbours ${'x'.repeat(300)}`;
    const page = await agent.get(`/circles/search?q=${encodeURIComponent(long)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`value="neighbours ${'x'.repeat(189)}"`);
    // It searched for what was typed: the feedback request above does not match it.
    expect(page.text).not.toContain('About the module');
  });

  it('reads a malformed page cursor as "from the top", never a 500, on search and on a circle page', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cursors = [
      `2026-01-01T00:00:00.000Z~${'-'.repeat(36)}`,
      `2026-01-01T00:00:00.000Z~${'0'.repeat(36)}`,
      `%2B275760-09-13T00:00:00.000Z~${uuid}`,
      `-000001-01-01T00:00:00.000Z~${uuid}`,
      `0000-01-01T00:00:00.000Z~${uuid}`,
      `2026-02-31T00:00:00.000Z~${uuid}`,
      `2026-01-01T00:00:00.000Z~${uuid}`,
    ];
    for (const after of cursors) {
      const search = await agent.get(`/circles/search?after=${after}`);
      expect({ after, status: search.status }).toEqual({ after, status: 200 });
      const page = await agent.get(`/circles/${circleId}?after=${after}`);
      expect({ after, status: page.status }).toEqual({ after, status: 200 });
    }
  });

  it('answers arrays and odd values on the talk routes with a page or a 4xx, never a 500', async () => {
    const statuses: Record<string, number> = {};
    for (const url of [
      '/circles/search?kind[]=story&q[]=x&unanswered[]=yes&module[]=people-first&after[]=x',
      `/circles/search?q=${encodeURIComponent('"unclosed -!:*&|<-> \u{1F600} \\ (((')}`,
      '/circles/search?q=the',
      '/circles/people/not-an-id',
      '/circles/ask-feedback?milestone[]=x',
      '/circles/replies/00000000-0000-4000-8000-000000000000/edit',
    ])
      statuses[url] = (await agent.get(url)).status;
    const form = await agent.get('/circles/ask-feedback');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    for (const body of [
      'circleId[]=x&title[]=y&body[a]=z&link[]=milestone:x',
      'circleId=x&title=y&body=z&link=milestone:',
    ])
      statuses[body] = (
        await agent
          .post('/circles/ask-feedback')
          .type('form')
          .send(`_csrf=${encodeURIComponent(csrf)}&${body}`)
      ).status;
    expect(Object.entries(statuses).filter(([, s]) => s >= 500)).toEqual([]);
  });
});
