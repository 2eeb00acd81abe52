import { Notification } from '../../src/notifications/notification.entities';
import { RoleInterest } from '../../src/projects/opportunity.entities';
import { BOARD_PAGE_SIZE } from '../../src/projects/opportunities.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, csrfToken, postForm, signedInAgent } from '../helpers/http';
import { chapterTeam, createProject, createRole } from './helpers';

describe('opportunities board', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const db = () => t.dataSource.manager;

  it('lists open roles of public, live projects to anyone, filtered by chapter and state', async () => {
    const ma = await chapterTeam(t.dataSource, { stateCode: 'MA' });
    const ny = await chapterTeam(t.dataSource, { stateCode: 'NY' });
    const shown = await createProject(t.dataSource, ma.chapter.id, { name: 'Shown project' });
    const hidden = await createProject(t.dataSource, ma.chapter.id, {
      name: 'Private project',
      public: false,
    });
    const done = await createProject(t.dataSource, ma.chapter.id, {
      name: 'Finished project',
      status: 'done',
    });
    const nyProject = await createProject(t.dataSource, ny.chapter.id, { name: 'New York project' });
    await createRole(t.dataSource, shown.id, { title: 'Open role A' });
    await createRole(t.dataSource, shown.id, { title: 'Closed role B', open: false });
    await createRole(t.dataSource, hidden.id, { title: 'Private role C' });
    await createRole(t.dataSource, done.id, { title: 'Finished role D' });
    await createRole(t.dataSource, nyProject.id, { title: 'New York role E' });

    const anonymous = anonymousAgent(t.app);
    const all = await anonymous.get('/opportunities');
    expect(all.status).toBe(200);
    expect(all.text).toContain('Open role A');
    expect(all.text).toContain('New York role E');
    for (const absent of ['Closed role B', 'Private role C', 'Finished role D'])
      expect(all.text).not.toContain(absent);
    expect(all.text).toContain('Sign in</a> to say you are interested');

    const byState = await anonymous.get('/opportunities?state=ny');
    expect(byState.text).toContain('New York role E');
    expect(byState.text).not.toContain('Open role A');
    const byChapter = await anonymous.get(`/opportunities?chapterId=${ma.chapter.id}`);
    expect(byChapter.text).toContain('Open role A');
    expect(byChapter.text).not.toContain('New York role E');
    expect((await anonymous.get('/opportunities?chapterId=nonsense&state=%00&after=x')).status).toBe(200);
    const notAnId = `2026-01-01T00:00:00.000Z~${'-'.repeat(36)}`;
    expect((await anonymous.get(`/opportunities?after=${notAnId}&state=MA&state=NY`)).status).toBe(200);
    expect((await anonymous.get('/opportunities?after=2026-13-45T99:00:00Z~' + ma.chapter.id)).status).toBe(
      200,
    );
  });

  it('pages through many roles, each shown once', async () => {
    const { chapter } = await chapterTeam(t.dataSource, { stateCode: 'VT' });
    const project = await createProject(t.dataSource, chapter.id);
    const titles = Array.from(
      { length: BOARD_PAGE_SIZE + 5 },
      (_, i) => `Paged role ${String(i).padStart(2, '0')}`,
    );
    for (const title of titles) await createRole(t.dataSource, project.id, { title });
    const anonymous = anonymousAgent(t.app);
    const seen: string[] = [];
    let path: string | null = '/opportunities?state=VT';
    while (path) {
      const page = await anonymous.get(path);
      expect(page.status).toBe(200);
      seen.push(...[...page.text.matchAll(/<h2>(Paged role \d+)<\/h2>/g)].map((m) => m[1]));
      const next = /href="([^"]+)">More roles/.exec(page.text);
      path = next ? next[1].replace(/&amp;/g, '&') : null;
    }
    expect(seen.sort()).toEqual(titles);
  });

  it('records interest once per person however often it is sent, and tells the lead once', async () => {
    const { chapter, admin, lead, member } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, { leadId: lead.id });
    const role = await createRole(t.dataSource, project.id, { title: 'Data wrangler' });
    const volunteer = await createUser(db());
    const agent = await signedInAgent(t.app, volunteer.email);
    const token = await csrfToken(agent);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        agent.post(`/opportunities/${role.id}/interest`).type('form').send({ _csrf: token }),
      ),
    );
    for (const r of responses) expect(r.status).toBe(303);
    expect(await db().countBy(RoleInterest, { roleId: role.id })).toBe(1);
    const notices = await db().findBy(Notification, { userId: lead.id, kind: 'projects' });
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toContain(volunteer.displayName);

    const leadPage = await (await signedInAgent(t.app, lead.email)).get(`/projects/${project.id}`);
    expect(leadPage.text).toContain(volunteer.displayName);
    expect(leadPage.text).toContain(volunteer.email);
    const adminPage = await (await signedInAgent(t.app, admin.email)).get(`/projects/${project.id}`);
    expect(adminPage.text).toContain(volunteer.email);
    const memberPage = await (await signedInAgent(t.app, member.email)).get(`/projects/${project.id}`);
    expect(memberPage.status).toBe(200);
    expect(memberPage.text).not.toContain(volunteer.email);
  });

  it('refuses interest in a closed role or a private project, and anonymous visitors must sign in', async () => {
    const { chapter, lead } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, { leadId: lead.id });
    const closed = await createRole(t.dataSource, project.id, { open: false });
    const hiddenProject = await createProject(t.dataSource, chapter.id, { public: false });
    const hiddenRole = await createRole(t.dataSource, hiddenProject.id);
    const agent = await signedInAgent(t.app, (await createUser(db())).email);
    expect((await postForm(agent, `/opportunities/${closed.id}/interest`)).status).toBe(404);
    expect((await postForm(agent, `/opportunities/${hiddenRole.id}/interest`)).status).toBe(404);
    const anonymous = await postForm(anonymousAgent(t.app), `/opportunities/${closed.id}/interest`);
    expect([401, 303]).toContain(anonymous.status);
    expect(await db().countBy(RoleInterest, { roleId: closed.id })).toBe(0);
    expect(await db().countBy(RoleInterest, { roleId: hiddenRole.id })).toBe(0);
  });

  it('the lead lists, closes and reopens roles; closed roles leave the board', async () => {
    const { chapter, lead } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, { leadId: lead.id });
    const agent = await signedInAgent(t.app, lead.email);
    const listed = await postForm(agent, `/projects/${project.id}/roles`, {
      title: 'Unique mapper role',
      commitment: 'One Saturday',
      skills: 'GIS',
    });
    expect(listed.status).toBe(303);
    expect((await anonymousAgent(t.app).get(`/opportunities?chapterId=${chapter.id}`)).text).toContain(
      'Unique mapper role',
    );
    const [role] = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM project_roles WHERE project_id = $1`,
      [project.id],
    );
    expect((await postForm(agent, `/projects/roles/${role.id}/open`, { open: 'no' })).status).toBe(303);
    expect((await anonymousAgent(t.app).get(`/opportunities?chapterId=${chapter.id}`)).text).not.toContain(
      'Unique mapper role',
    );
  });
});
