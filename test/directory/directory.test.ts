import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Chapter } from '../../src/accounts/chapter.entity';
import { ChapterPage } from '../../src/directory/chapter-page.entity';
import { chapterPageView } from '../../src/directory/view-models';
import { Workshop } from '../../src/workshops/workshop.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { chapterWithPage } from './helpers';

const HOSTILE = [
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '<a href="javascript:alert(2)">a</a>',
  '<iframe src="https://evil.example"></iframe>',
  '**bold** and [fine](https://example.org)',
].join('\n\n');

describe('chapter directory and chapter pages', () => {
  let t: TestApp;
  let anonymous: Agent;
  const m = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    anonymous = anonymousAgent(t.app);
  });
  afterAll(() => t.close());

  it('lists listed chapters by state on a tile map and table, and others by country and region', async () => {
    await chapterWithPage(m(), { name: 'Code for Boston', region: 'Boston', stateCode: 'MA' });
    await chapterWithPage(m(), { name: 'Code for Worcester', region: 'Worcester', stateCode: 'MA' });
    await chapterWithPage(m(), { name: 'Open Oakland', region: 'Oakland', stateCode: 'CA' });
    await chapterWithPage(m(), { name: 'Civic Tech Toronto', region: 'Ontario', countryCode: 'CA' });
    await chapterWithPage(m(), { name: 'Secret Society', stateCode: 'NY' }, { listed: false });
    await createChapter(m(), { name: 'No Page Yet', stateCode: 'TX' });

    const page = await anonymous.get('/chapters');
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-label="MA 2 chapters (Massachusetts)"');
    expect(page.text).toContain('aria-label="CA 1 chapter (California)"');
    expect(page.text).toMatch(/<td><a href="#state-ma">Massachusetts<\/a><\/td><td>2<\/td>/);
    expect(page.text).toContain('id="state-ma"');
    expect(page.text).toContain('href="/chapters/code-for-boston"');
    expect(page.text).toContain('Outside the United States');
    expect(page.text).toContain('<h3 id="country-ca-title">Canada</h3>');
    expect(page.text).toContain('Civic Tech Toronto');
    // 52 tiles: every state, DC and PR; unlisted and page-less chapters are not shown.
    expect(page.text.match(/<rect class="tile/g)).toHaveLength(52);
    expect(page.text).not.toContain('Secret Society');
    expect(page.text).not.toContain('No Page Yet');
    expect(page.text).not.toContain('aria-label="NY');
  });

  it('shows a chapter page with safe Markdown, meeting details and only public upcoming workshops', async () => {
    const { chapter } = await chapterWithPage(
      m(),
      { name: 'Code for Denver', region: 'Denver', stateCode: 'CO' },
      {
        about: HOSTILE,
        meetingWhen: 'Tuesdays 6:30 pm',
        meetingWhere: 'Library <b>room</b>',
        contact: 'hello@codefordenver.example',
        links: 'https://github.com/codefordenver',
      },
    );
    const creator = await createUser(m(), { role: 'admin' });
    const workshop = (title: string, extra: Partial<Workshop>) =>
      m().save(
        m().create(Workshop, {
          title,
          startsAt: new Date(Date.now() + 86_400_000),
          endsAt: new Date(Date.now() + 90_000_000),
          timeZone: 'America/Denver',
          location: 'Central Library',
          onlineUrl: 'https://meet.example/secret-room',
          capacity: 10,
          chapterId: chapter.id,
          createdById: creator.id,
          checkInSecret: title,
          ...extra,
        }),
      );
    await workshop('Open workshop', { public: true });
    await workshop('Members only workshop', {});
    await workshop('Cancelled public workshop', { public: true, cancelledAt: new Date() });

    const page = await anonymous.get('/chapters/code-for-denver');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Denver · Colorado');
    expect(page.text).toContain('<strong>bold</strong>');
    expect(page.text).toContain('href="https://example.org"');
    expect(page.text).not.toMatch(/<script>alert|onerror|javascript:|<iframe/i);
    expect(page.text).toContain('Library &lt;b&gt;room&lt;/b&gt;');
    expect(page.text).toContain('href="mailto:hello@codefordenver.example"');
    expect(page.text).toContain('Open workshop');
    expect(page.text).toContain('Central Library');
    expect(page.text).not.toContain('Members only workshop');
    expect(page.text).not.toContain('Cancelled public workshop');
    expect(page.text).not.toContain('secret-room');
    expect((await anonymous.get('/chapters/no-such-chapter')).status).toBe(404);
    expect((await anonymous.get('/chapters/Not_A_Slug')).status).toBe(404);
  });

  it('keeps workshops private unless the public box is ticked on the workshop form', async () => {
    const chapter = await createChapter(m());
    const admin = await signedInAgent(t.app, (await createUser(m(), { role: 'admin' })).email);
    const form = (title: string, extra: Record<string, string>) =>
      postForm(admin, '/workshops', {
        title,
        description: '',
        startsAt: '2031-03-04T18:00',
        endsAt: '2031-03-04T20:00',
        timeZone: 'America/New_York',
        location: 'Town hall',
        onlineUrl: '',
        capacity: '20',
        chapterId: chapter.id,
        ...extra,
      });
    expect((await form('Quiet one', {})).status).toBe(303);
    expect((await form('Open one', { public: 'yes' })).status).toBe(303);
    expect(await m().findOneByOrFail(Workshop, { title: 'Quiet one' })).toMatchObject({ public: false });
    expect(await m().findOneByOrFail(Workshop, { title: 'Open one' })).toMatchObject({ public: true });
  });

  it('renders the gatherings, projects and talent slots only when they have something', () => {
    const chapter = {
      chapterId: 'x',
      slug: 'x-y',
      name: 'X',
      region: '',
      countryCode: 'US',
      stateCode: 'MA',
      about: '',
      meetingWhen: '',
      meetingWhere: '',
      contact: '',
      links: [],
      listed: true,
    };
    const empty = chapterPageView(chapter, [], []);
    expect([empty.gatherings, empty.projects, empty.talent]).toEqual([[], [], []]);
    const full = chapterPageView(chapter, [], [], {
      gatherings: [
        {
          title: 'Hack night',
          startsAt: new Date('2030-01-07T23:30:00Z'),
          endsAt: new Date('2030-01-08T01:30:00Z'),
          timeZone: 'America/New_York',
          url: '/g/1',
        },
      ],
      projects: [{ title: 'Bus stops', status: 'active', url: '/p/1' }],
      talent: [{ name: 'Ada', certificateUrl: '/c/abc', note: 'Data' }],
    });
    expect(full.gatherings[0]).toEqual({
      title: 'Hack night',
      when: 'Mon, 7 Jan 2030, 18:30–20:30 (America/New_York)',
      url: '/g/1',
    });
    expect(full.projects).toHaveLength(1);
    expect(full.talent[0].name).toBe('Ada');
  });

  describe('editing a chapter page', () => {
    let chapter: Chapter;
    let academyAdmin: Agent;
    let chapterAdmin: Agent;
    let otherChapterAdmin: Agent;
    let organizer: Agent;
    const valid = {
      slug: 'code-for-providence',
      about: 'We *meet*.',
      meetingWhen: 'Mondays',
      meetingWhere: 'City Hall',
      contact: 'https://codeforprovidence.example',
      links: 'https://a.example\r\nhttps://b.example',
      listed: 'yes',
      countryCode: 'us',
      stateCode: 'RI',
    };

    beforeAll(async () => {
      chapter = await createChapter(m(), { name: 'Code for Providence' });
      const other = await createChapter(m());
      academyAdmin = await signedInAgent(t.app, (await createUser(m(), { role: 'admin' })).email);
      chapterAdmin = await signedInAgent(
        t.app,
        (await createUser(m(), { role: 'admin', scopeChapterId: chapter.id, chapterId: chapter.id })).email,
      );
      otherChapterAdmin = await signedInAgent(
        t.app,
        (await createUser(m(), { role: 'admin', scopeChapterId: other.id, chapterId: other.id })).email,
      );
      organizer = await signedInAgent(t.app, (await createUser(m(), { chapterId: chapter.id })).email);
    });

    it("is refused to another chapter's admin (404) and to organizers (403), and changes nothing", async () => {
      expect((await otherChapterAdmin.get(`/admin/chapters/${chapter.id}/page`)).status).toBe(404);
      expect((await postForm(otherChapterAdmin, `/admin/chapters/${chapter.id}/page`, valid)).status).toBe(
        404,
      );
      expect((await postForm(organizer, `/admin/chapters/${chapter.id}/page`, valid)).status).toBe(403);
      expect(await m().countBy(ChapterPage, { chapterId: chapter.id })).toBe(0);
    });

    it('refuses bad addresses, contacts and links with messages, and keeps what was typed', async () => {
      for (const slug of ['A', 'Code For Providence', 'code--providence', '-code', 'x'.repeat(61), 'café']) {
        const response = await postForm(chapterAdmin, `/admin/chapters/${chapter.id}/page`, {
          ...valid,
          slug,
        });
        expect(response.status).toBe(400);
        expect(response.text).toContain('Use 2 to 60 lower-case letters');
      }
      const bad = await postForm(chapterAdmin, `/admin/chapters/${chapter.id}/page`, {
        ...valid,
        contact: 'javascript:alert(1)',
        links: 'javascript:alert(1)',
        stateCode: 'ZZ',
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Enter an email address or a web address');
      expect(bad.text).toContain('Put one web address a line');
      expect(bad.text).toContain('Choose a US state, DC or PR');
      expect(bad.text).toContain('City Hall');
      expect(await m().countBy(ChapterPage, { chapterId: chapter.id })).toBe(0);
    });

    it("lets the chapter's own admin publish the page, with state and country, audited", async () => {
      const response = await postForm(chapterAdmin, `/admin/chapters/${chapter.id}/page`, valid);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/chapters/code-for-providence');
      const page = await m().findOneByOrFail(ChapterPage, { chapterId: chapter.id });
      expect(page).toMatchObject({
        slug: 'code-for-providence',
        listed: true,
        links: 'https://a.example\nhttps://b.example',
      });
      expect(await m().findOneByOrFail(Chapter, { id: chapter.id })).toMatchObject({
        countryCode: 'US',
        stateCode: 'RI',
      });
      expect(await m().countBy(AuditEvent, { action: 'chapter_page.created', subjectId: chapter.id })).toBe(
        1,
      );
      expect((await anonymous.get('/chapters')).text).toContain('aria-label="RI 1 chapter (Rhode Island)"');
      const edit = await chapterAdmin.get('/chapters/code-for-providence/edit');
      expect(edit.headers.location).toBe(`/admin/chapters/${chapter.id}/page`);
    });

    it('refuses an address another chapter uses (409) and lets academy admins unlist a page', async () => {
      const taken = await chapterWithPage(m(), {}, { slug: 'taken-address' });
      const clash = await postForm(academyAdmin, `/admin/chapters/${chapter.id}/page`, {
        ...valid,
        slug: taken.page.slug,
      });
      expect(clash.status).toBe(409);
      expect(clash.text).toContain('Another chapter already uses this address.');
      const unlisted = await postForm(academyAdmin, `/admin/chapters/${chapter.id}/page`, {
        ...valid,
        listed: '',
        countryCode: 'DE',
        stateCode: 'BE',
      });
      expect(unlisted.status).toBe(303);
      expect(await m().findOneByOrFail(ChapterPage, { chapterId: chapter.id })).toMatchObject({
        listed: false,
      });
      expect((await anonymous.get('/chapters')).text).not.toContain('Code for Providence');
      expect((await anonymous.get('/chapters/code-for-providence')).text).toContain(
        'not listed in the directory',
      );
      expect(await m().countBy(AuditEvent, { action: 'chapter_page.updated', subjectId: chapter.id })).toBe(
        1,
      );
    });

    it('the admin chapter form sets and checks state and country', async () => {
      const bad = await postForm(academyAdmin, `/admin/chapters/${chapter.id}`, {
        name: chapter.name,
        region: 'Providence',
        countryCode: 'XX',
        stateCode: '',
      });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Enter a two-letter country code');
      const ok = await postForm(academyAdmin, `/admin/chapters/${chapter.id}`, {
        name: chapter.name,
        region: 'Providence',
        countryCode: 'US',
        stateCode: 'ri',
      });
      expect(ok.status).toBe(303);
      expect(await m().findOneByOrFail(Chapter, { id: chapter.id })).toMatchObject({
        countryCode: 'US',
        stateCode: 'RI',
      });
    });
  });
});

describe('chapter directory: the public rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '3' } });
    await chapterWithPage(t.dataSource.manager, { name: 'Limited Chapter', stateCode: 'VT' });
  });
  afterAll(() => t.close());

  it('answers an anonymous address 429 after its requests per minute, but not signed-in people', async () => {
    const anonymous = anonymousAgent(t.app);
    const statuses = [];
    for (const path of [
      '/chapters',
      '/chapters/limited-chapter',
      '/chapters/limited-chapter/stories',
      '/chapters',
    ])
      statuses.push((await anonymous.get(path)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await anonymous.get('/chapters/limited-chapter/stories.atom')).status).toBe(429);
    const member = await signedInAgent(t.app, (await createUser(t.dataSource.manager)).email);
    for (let i = 0; i < 5; i++) expect((await member.get('/chapters')).status).toBe(200);
  });
});
