import request from 'supertest';
import * as markdown from '../../src/curriculum/markdown';
import { ModuleRead } from '../../src/curriculum/progress.entities';
import { Notification } from '../../src/notifications/notification.entities';
import { ProgressService } from '../../src/curriculum/progress.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { QueryCounter } from '../helpers/query-counter';

const TRACK = 'civic-tech-host';

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');

describe('curriculum pages', () => {
  let t: TestApp;
  const counter = new QueryCounter();
  let progress: ProgressService;

  beforeAll(async () => {
    t = await startTestApp({ queryLogger: counter });
    progress = new ProgressService(() => testCatalog(t.config.curriculumDir).current());
  });
  afterAll(() => t.close());

  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  it('lists both tracks on the public home page', async () => {
    const home = await request(t.app).get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('href="/tracks/civic-tech-organizer"');
    expect(home.text).toContain('href="/tracks/coach"');
  });

  it('shows a track to anonymous visitors without progress, modules in order with estimated time', async () => {
    const page = await request(t.app).get(`/tracks/${TRACK}`);
    expect(page.status).toBe(200);
    const track = curriculum().trackById.get(TRACK)!;
    const positions = track.modules.map((m) => page.text.indexOf(`href="/tracks/${TRACK}/${m.id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(page.text).toContain(`About ${track.modules[0].estimatedMinutes} minutes`);
    expect(page.text).not.toContain('Your progress');
  });

  it('renders a module with its table of contents, milestones, prerequisites and neighbours', async () => {
    const module = curriculum().moduleById.get('starting-a-chapter')!;
    const page = await request(t.app).get(`/tracks/civic-tech-organizer/starting-a-chapter`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<h1>${module.title}</h1>`);
    for (const entry of module.toc) expect(page.text).toContain(`href="#${entry.id}"`);
    for (const milestone of module.milestones)
      expect(page.text).toContain(`<h3>${escapeHtml(milestone.title)}</h3>`);
    expect(page.text).toContain('href="/tracks/civic-tech-organizer/user-research" rel="next"');
    expect(page.text).toContain('Before this module, read:');
    expect(page.text).toContain('media="print"');
    expect(page.text).not.toContain('Mark as read');
    // Versions matter on certificates, not to readers.
    expect(page.text).toContain(`About ${module.estimatedMinutes} minutes</p>`);
    expect(page.text).not.toContain(module.contentHash.slice(0, 12));
  });

  it('serves curriculum images from curriculum/assets/', async () => {
    const page = await request(t.app).get(`/tracks/civic-tech-chapter-lead/growing-leaders`);
    expect(page.text).toContain('<img src="/curriculum/assets/ladder-of-engagement.svg" alt="A ladder with five rungs');
    const image = await request(t.app).get('/curriculum/assets/ladder-of-engagement.svg');
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toContain('image/svg+xml');
    expect((await request(t.app).get('/curriculum/assets/../track.md')).status).toBe(404);
  });

  it('sends cached anonymous pages with an ETag (304 when unchanged), dynamic pages without one', async () => {
    t.app.enable('view cache');
    try {
      const first = await request(t.app).get(`/tracks/${TRACK}/people-first`);
      expect(first.headers.etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9_-]+"$/);
      const again = await request(t.app).get(`/tracks/${TRACK}/people-first`).set('If-None-Match', first.headers.etag);
      expect(again.status).toBe(304);
      const user = await createUser(t.dataSource.manager);
      const signedIn = await (await signedInAgent(t.app, user.email)).get(`/tracks/${TRACK}/people-first`);
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.etag).toBeUndefined();
    } finally {
      t.app.disable('view cache');
    }
  });

  it('puts each reader\'s own unread count into a module page kept for many readers', async () => {
    t.app.enable('view cache');
    try {
      const busy = await createUser(t.dataSource.manager, { displayName: 'Busy Reader' });
      const quiet = await createUser(t.dataSource.manager, { displayName: 'Quiet Reader' });
      await t.dataSource.manager.insert(
        Notification,
        [1, 2, 3].map((i) => ({ userId: busy.id, kind: 'circles' as const, title: `Notice ${i}`, body: 'b', link: '/circles' })),
      );
      const path = `/tracks/${TRACK}/people-first`;
      const busyPage = await (await signedInAgent(t.app, busy.email)).get(path);
      const quietPage = await (await signedInAgent(t.app, quiet.email)).get(path);
      expect(busyPage.text).toContain('aria-label="Notifications, 3 unread"');
      expect(busyPage.text).toContain('Busy Reader');
      // Same module, same state: the same cached page, but not the other reader's count or name.
      expect(quietPage.text).toContain('<a href="/notifications" class="notifications-link">Notifications</a>');
      expect(quietPage.text).not.toContain('unread');
      expect(quietPage.text).not.toContain('Busy Reader');
      expect(quietPage.text).toContain('Quiet Reader');
    } finally {
      t.app.disable('view cache');
    }
  });

  it('answers 404 for unknown tracks and modules', async () => {
    expect((await request(t.app).get('/tracks/nope')).status).toBe(404);
    expect((await request(t.app).get(`/tracks/${TRACK}/nope`)).status).toBe(404);
    // A module that moved to another track (tier) keeps its old address as a permanent redirect.
    const moved = await request(t.app).get(`/tracks/civic-tech-organizer/people-first`);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/tracks/civic-tech-host/people-first');
  });

  it('serves a module page with at most two queries beyond the session and the user, one for peers, and no Markdown work', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const render = jest.spyOn(markdown, 'renderMarkdown');
    counter.queries = [];
    const page = await agent.get(`/tracks/${TRACK}/people-first`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sign out');
    // The person comes with the session (one statement, outside TypeORM): no users query of its own.
    expect(counter.queries.filter((q) => /FROM "?users"?\s/i.test(q))).toEqual([]);
    expect(counter.queries.some((q) => /module_reads/.test(q))).toBe(true);
    // "Peers on this module" (posts from the reader's circles) is one more query.
    expect(counter.queries.filter((q) => /circle_posts/.test(q))).toHaveLength(1);
    expect(counter.queries.filter((q) => !/circle_posts/.test(q)).length).toBeLessThanOrEqual(2);
    expect(render).not.toHaveBeenCalled();
    render.mockRestore();
  });

  it('marks a module as read once, and shows the date', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const before = await agent.get(`/tracks/${TRACK}/people-first`);
    expect(before.text).toContain('Mark as read');
    for (let i = 0; i < 2; i += 1) {
      const response = await postForm(agent, `/tracks/${TRACK}/people-first/read`);
      expect(response.status).toBe(303);
    }
    expect(await t.dataSource.manager.countBy(ModuleRead, { userId: user.id })).toBe(1);
    const after = await agent.get(`/tracks/${TRACK}/people-first`);
    expect(after.text).toContain('You marked this module as read on');
    expect(after.text).not.toContain('>Mark as read<');
  });

  it('shows an organizer their progress numbers, module states and next step', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const track = curriculum().trackById.get(TRACK)!;
    const total = track.modules.reduce((sum, m) => sum + m.milestones.length, 0);

    const fresh = await agent.get(`/tracks/${TRACK}`);
    expect(fresh.text).toContain(`0 of ${total} milestones completed`);
    expect(fresh.text).toContain(`Read “${track.modules[0].title}”`);

    const first = track.modules[0];
    await t.dataSource.transaction(async (m) => {
      await progress.markRead(m, user.id, first);
      for (const milestone of first.milestones)
        await progress.milestoneCompleted(m, { userId: user.id, milestoneId: milestone.id, source: 'coach' });
      await progress.milestoneCompleted(m, {
        userId: user.id,
        milestoneId: track.modules[1].milestones[0].id,
        source: 'coach',
      });
    });
    const done = first.milestones.length + 1;
    const page = await agent.get(`/tracks/${TRACK}`);
    expect(page.text).toContain(`${done} of ${total} milestones completed`);
    expect(page.text).toContain(`<progress id="track-progress" max="${total}" value="${done}">`);
    expect(page.text).toContain('Complete</span>');
    expect(page.text).toContain('In progress</span>');
    expect(page.text).toContain(
      `Complete “${track.modules[1].milestones[1].title}” in “${track.modules[1].title}”`,
    );

    const module = await agent.get(`/tracks/${TRACK}/${first.id}`);
    expect(module.text.match(/>Completed</g)).toHaveLength(first.milestones.length);
  });

  it('completes a milestone only once, whoever calls the hook', async () => {
    const user = await createUser(t.dataSource.manager);
    const milestoneId = curriculum().tracks[0].modules[0].milestones[0].id;
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t.dataSource.transaction((m) =>
          progress.milestoneCompleted(m, { userId: user.id, milestoneId, source: 'coach' }),
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await expect(
      t.dataSource.transaction((m) =>
        progress.milestoneCompleted(m, {
          userId: user.id,
          milestoneId: 'no-such-milestone',
          source: 'coach',
        }),
      ),
    ).rejects.toThrow('There is no milestone');
  });

  it('shows coaches the same pages', async () => {
    const coach = await createUser(t.dataSource.manager, { role: 'coach' });
    const agent = await signedInAgent(t.app, coach.email);
    expect((await agent.get('/tracks/coach')).text).toContain('milestones completed');
    expect((await agent.get('/tracks/coach/coaching-conversations')).status).toBe(200);
  });

  it('finds a phrase and ranks a title hit first, with highlighted, escaped snippets', async () => {
    const response = await request(t.app).get('/search').query({ q: 'coaching conversations' });
    expect(response.status).toBe(200);
    const links = [...response.text.matchAll(/<h2><a href="\/tracks\/[\w-]+\/([\w-]+)">/g)].map((m) => m[1]);
    expect(links[0]).toBe('coaching-conversations');
    expect(links.length).toBeGreaterThan(1);
    expect(response.text).toMatch(/<mark>[Cc]oaching<\/mark>/);

    const phrase = await request(t.app).get('/search').query({ q: '"code of conduct"' });
    expect(phrase.text).toContain('/tracks/civic-tech-chapter-lead/inclusive-community');
    const none = await request(t.app).get('/search').query({ q: '<script>zzqxj</script>' });
    expect(none.status).toBe(200);
    expect(none.text).toContain('0 modules match');
    expect(none.text).not.toContain('<script>zzqxj');
  });

  it('heads each milestone prompt by its kind: what to submit to a coach, what to do at a workshop', async () => {
    const module = curriculum().moduleById.get('facilitation')!;
    const page = await request(t.app).get(`/tracks/${TRACK}/facilitation`);
    expect(page.status).toBe(200);
    const section = (id: string) => {
      const start = page.text.indexOf(`id="milestone-${id}"`);
      return page.text.slice(start, page.text.indexOf('</li>', start));
    };
    for (const milestone of module.milestones) {
      const html = section(milestone.id);
      const heading = milestone.kind === 'coach' ? 'What to submit:' : 'At the workshop:';
      expect(html).toContain(`<strong>${heading}</strong>`);
      expect(html).toContain(milestone.kind === 'coach' ? 'Signed off by your coach' : 'Completed by attending');
    }
    expect(module.milestones.map((m) => m.kind)).toEqual(expect.arrayContaining(['coach', 'workshop']));
  });

  it('shows facilitator kits to coaches and admins only, linked next to "Schedule this workshop"', async () => {
    const kitPath = `/tracks/${TRACK}/kits/facilitation-practice-workshop`;
    const kit = curriculum().kitByMilestoneId.get('facilitation-practice-workshop')!;
    for (const role of ['coach', 'admin'] as const) {
      const user = await createUser(t.dataSource.manager, { role });
      const agent = await signedInAgent(t.app, user.email);
      const module = await agent.get(`/tracks/${TRACK}/facilitation`);
      expect(module.text).toContain('<a href="/workshops/new">Schedule this workshop</a>');
      expect(module.text).toContain(`<a href="${kitPath}">Facilitator kit</a>`);
      const page = await agent.get(kitPath);
      expect(page.status).toBe(200);
      expect(page.text).toContain(kit.html);
      expect(page.text).toContain('90-minute run sheet');
      expect((await agent.get(`/tracks/${TRACK}/kits/facilitation-practice-workshop-nope`)).status).toBe(404);
      const moved = await agent.get(`/tracks/coach/kits/facilitation-practice-workshop`);
      expect(moved.status).toBe(301);
      expect(moved.headers.location).toBe(kitPath);
    }
    const organizer = await createUser(t.dataSource.manager, { role: 'organizer' });
    const agent = await signedInAgent(t.app, organizer.email);
    expect((await agent.get(kitPath)).status).toBe(403);
    expect((await agent.get(`/tracks/${TRACK}/facilitation`)).text).not.toContain(kitPath);
    const anonymous = await anonymousAgent(t.app).get(kitPath);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    expect((await request(t.app).get(`/tracks/${TRACK}/facilitation`)).text).not.toContain('Facilitator kit');
  });

  it('links templates from the modules that use them, and serves them from curriculum/assets/', async () => {
    const page = await request(t.app).get(`/tracks/civic-tech-chapter-lead/budgets-and-fundraising`);
    const hrefs = [...page.text.matchAll(/href="(\/curriculum\/assets\/templates\/[^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      '/curriculum/assets/templates/budget-sheet.csv',
      '/curriculum/assets/templates/sponsorship-policy.md',
    ]);
    for (const href of hrefs) {
      const file = await request(t.app).get(href);
      expect(file.status).toBe(200);
      expect(file.text.length).toBeGreaterThan(100);
    }
    expect((await request(t.app).get('/curriculum/assets/templates/nope.md')).status).toBe(404);
  });

  it('links the coach calibration set of invented, labeled samples from the feedback module', async () => {
    const page = await request(t.app).get('/tracks/coach/feedback-on-evidence');
    expect(page.text).toContain('href="/curriculum/assets/coach/calibration.md"');
    const set = await request(t.app).get('/curriculum/assets/coach/calibration.md');
    expect(set.status).toBe(200);
    const samples = set.text.match(/^## Sample \d+/gm) ?? [];
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(samples.length).toBeLessThanOrEqual(10);
    expect(set.text).toContain('invented example');
    expect((set.text.match(/\*\*Model decision:\*\* (Approve|Request changes)\./g) ?? []).length).toBe(samples.length);
  });

  it('declares a facilitator kit for every workshop milestone', () => {
    for (const { milestone } of curriculum().milestoneById.values())
      if (milestone.kind === 'workshop') expect(curriculum().kitByMilestoneId.has(milestone.id)).toBe(true);
  });

  it('never asks anyone to submit evidence for a workshop milestone', () => {
    const workshops = [...curriculum().milestoneById.values()].filter((m) => m.milestone.kind === 'workshop');
    expect(workshops.length).toBeGreaterThanOrEqual(5);
    for (const { milestone } of workshops) expect(milestone.evidencePrompt).not.toMatch(/\bsubmit/i);
  });
});

describe('private curriculum (CURRICULUM_PUBLIC=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CURRICULUM_PUBLIC: 'false' } });
  });
  afterAll(() => t.close());

  it('hides tracks, modules and search from anonymous visitors but not from people signed in', async () => {
    const home = await request(t.app).get('/');
    expect(home.text).not.toContain('/tracks/');
    for (const path of [`/tracks/${TRACK}`, `/tracks/${TRACK}/people-first`, '/search?q=coach']) {
      const response = await anonymousAgent(t.app).get(path);
      expect(response.status).toBe(303);
      expect(response.headers.location).toContain('/login?next=');
    }
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get('/')).text).toContain(`/tracks/${TRACK}`);
    expect((await agent.get(`/tracks/${TRACK}/people-first`)).status).toBe(200);
  });
});
