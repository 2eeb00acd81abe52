import { describeAuditEvent } from '../../src/admin/audit-words';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Notification } from '../../src/notifications/notification.entities';
import { Project, ProjectImpact, ProjectVolunteer } from '../../src/projects/project.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';
import { chapterTeam, createProject } from './helpers';

const PROJECT = {
  name: 'Benefits screener',
  partner: 'County Health Department',
  problem: 'Families miss benefits they qualify for.',
  status: 'active',
  links: 'https://example.org/screener\nhttps://github.com/example/screener',
  public: 'yes',
};

describe('projects', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const db = () => t.dataSource.manager;

  it('a chapter admin records a project with a lead from the chapter; the lead is told and it is audited', async () => {
    const { chapter, admin, lead } = await chapterTeam(t.dataSource);
    const agent = await signedInAgent(t.app, admin.email);
    const response = await postForm(agent, '/projects', {
      ...PROJECT,
      chapterId: chapter.id,
      leadId: lead.id,
    });
    expect(response.status).toBe(303);
    const project = await db().findOneByOrFail(Project, { chapterId: chapter.id });
    expect(project).toMatchObject({ name: PROJECT.name, status: 'active', public: true, leadId: lead.id });
    expect(project.links).toEqual(['https://example.org/screener', 'https://github.com/example/screener']);
    expect(await db().countBy(AuditEvent, { action: 'project.created', subjectId: project.id })).toBe(1);
    expect(await db().countBy(Notification, { userId: lead.id, kind: 'projects' })).toBe(1);
    const page = await agent.get(`/projects/${project.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('County Health Department');
  });

  it('refuses a lead from another chapter and a link that is not a web address, keeping what was typed', async () => {
    const { chapter, admin } = await chapterTeam(t.dataSource);
    const other = await chapterTeam(t.dataSource);
    const agent = await signedInAgent(t.app, admin.email);
    const wrongLead = await postForm(agent, '/projects', {
      ...PROJECT,
      chapterId: chapter.id,
      leadId: other.lead.id,
    });
    expect(wrongLead.status).toBe(400);
    expect(wrongLead.text).toContain('Choose an active member of the project’s chapter.');
    const badLink = await postForm(agent, '/projects', {
      ...PROJECT,
      chapterId: chapter.id,
      links: 'javascript:alert(1)',
    });
    expect(badLink.status).toBe(400);
    expect(badLink.text).toContain('is not a web address');
    expect(badLink.text).toContain('Benefits screener');
    expect(await db().countBy(Project, { chapterId: chapter.id })).toBe(0);
  });

  it('another chapter’s admin can neither see nor change a project, nor create one in that chapter', async () => {
    const { chapter } = await chapterTeam(t.dataSource);
    const other = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id);
    const agent = await signedInAgent(t.app, other.admin.email);
    expect((await agent.get(`/projects/${project.id}`)).status).toBe(404);
    expect(
      (await postForm(agent, `/projects/${project.id}`, { ...PROJECT, name: 'Taken over' })).status,
    ).toBe(404);
    const impact = await postForm(agent, `/projects/${project.id}/impact`, {
      peopleHelped: '5',
      unit: 'people',
      method: 'Guess',
    });
    expect(impact.status).toBe(404);
    const create = await postForm(agent, '/projects', { ...PROJECT, chapterId: chapter.id });
    expect(create.status).toBe(400);
    expect((await db().findOneByOrFail(Project, { id: project.id })).name).toBe('Food pantry finder');
    expect(await db().countBy(ProjectImpact, { projectId: project.id })).toBe(0);
    expect(await db().countBy(Project, { chapterId: chapter.id })).toBe(1);
  });

  it('a member who is not the lead sees the project but cannot change it, list roles or see who is interested', async () => {
    const { chapter, member } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id);
    const agent = await signedInAgent(t.app, member.email);
    const page = await agent.get(`/projects/${project.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Record a new figure');
    expect((await postForm(agent, `/projects/${project.id}`, { ...PROJECT })).status).toBe(403);
    expect(
      (
        await postForm(agent, `/projects/${project.id}/impact`, {
          peopleHelped: '5',
          unit: 'people',
          method: 'x',
        })
      ).status,
    ).toBe(403);
    expect(
      (await postForm(agent, `/projects/${project.id}/roles`, { title: 'Dev', commitment: 'Weekly' })).status,
    ).toBe(403);
    expect((await postForm(agent, `/projects/${project.id}/volunteers`, { userId: member.id })).status).toBe(
      403,
    );
    expect(await db().countBy(ProjectVolunteer, { projectId: project.id })).toBe(0);
    const stranger = await signedInAgent(t.app, (await createUser(db())).email);
    expect((await stranger.get(`/projects/${project.id}`)).status).toBe(404);
  });

  it('the lead edits the project but cannot name another lead', async () => {
    const { chapter, lead, member } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, { leadId: lead.id });
    const agent = await signedInAgent(t.app, lead.email);
    const response = await postForm(agent, `/projects/${project.id}`, {
      ...PROJECT,
      status: 'paused',
      leadId: member.id,
    });
    expect(response.status).toBe(303);
    const saved = await db().findOneByOrFail(Project, { id: project.id });
    expect(saved).toMatchObject({ status: 'paused', leadId: lead.id, name: PROJECT.name });
    const audit = await db().findOneByOrFail(AuditEvent, {
      action: 'project.updated',
      subjectId: project.id,
    });
    expect(audit.actorId).toBe(lead.id);
    expect(audit.details).toMatchObject({ from: 'active', to: 'paused' });
    const words = describeAuditEvent(
      {
        ...audit,
        actor: 'Lee Lead',
        subject: null,
        workshop_title: null,
        milestone_id: null,
        submission_owner: null,
        certificate_track: null,
        certificate_holder: null,
      },
      { milestone: (id) => id, track: (id) => id },
    );
    expect(words).toMatch(/^Lee Lead changed a project \(.*status.*\)$/);
  });

  it('keeps every "people helped" figure: the newest is shown, earlier ones with who recorded them and when', async () => {
    const { chapter, admin, lead } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, { leadId: lead.id });
    const leadAgent = await signedInAgent(t.app, lead.email);
    const adminAgent = await signedInAgent(t.app, admin.email);
    expect(
      (
        await postForm(leadAgent, `/projects/${project.id}/impact`, {
          peopleHelped: '120',
          unit: 'residents',
          method: 'Sign-ups in March',
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await postForm(adminAgent, `/projects/${project.id}/impact`, {
          peopleHelped: '340',
          unit: 'residents',
          method: 'Sign-ups in June',
        })
      ).status,
    ).toBe(303);
    const bad = await postForm(leadAgent, `/projects/${project.id}/impact`, {
      peopleHelped: '-3',
      unit: 'x',
      method: 'y',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a whole number of people');
    const rows = await db().find(ProjectImpact, {
      where: { projectId: project.id },
      order: { recordedAt: 'ASC' },
    });
    expect(rows.map((r) => [r.peopleHelped, r.recordedBy])).toEqual([
      [120, lead.id],
      [340, admin.id],
    ]);
    const page = await leadAgent.get(`/projects/${project.id}`);
    const newest = page.text.indexOf('340 residents');
    const earlier = page.text.indexOf('Earlier figures');
    expect(newest).toBeGreaterThan(0);
    expect(earlier).toBeGreaterThan(newest);
    expect(page.text.indexOf('120 residents')).toBeGreaterThan(earlier);
    expect(page.text).toContain(lead.displayName);
    expect(await db().countBy(AuditEvent, { action: 'project.impact_recorded', subjectId: project.id })).toBe(
      2,
    );
  });

  it('shows a "people helped" figure over 999 with a thousands separator on the project and the list', async () => {
    const { chapter, lead } = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, chapter.id, {
      leadId: lead.id,
      name: 'Tenant hotline',
    });
    const leadAgent = await signedInAgent(t.app, lead.email);
    const recorded = await postForm(leadAgent, `/projects/${project.id}/impact`, {
      peopleHelped: '1240',
      unit: 'households',
      method: 'Calls logged in 2026',
    });
    expect(recorded.status).toBe(303);
    expect(await db().findOneByOrFail(ProjectImpact, { projectId: project.id })).toMatchObject({
      peopleHelped: 1240,
    });
    const page = await leadAgent.get(`/projects/${project.id}`);
    expect(page.text).toContain('1,240 households');
    expect(page.text).not.toContain('1240 households');
    const list = await leadAgent.get('/projects');
    expect(list.text).toMatch(/Tenant hotline[\s\S]*1,240 households helped/);
  });

  it('volunteers are chapter members, added once, told, and can be taken off (audited)', async () => {
    const { chapter, admin, member } = await chapterTeam(t.dataSource);
    const outsider = await createUser(db());
    const project = await createProject(t.dataSource, chapter.id);
    const agent = await signedInAgent(t.app, admin.email);
    expect(
      (await postForm(agent, `/projects/${project.id}/volunteers`, { userId: outsider.id })).status,
    ).toBe(400);
    expect((await postForm(agent, `/projects/${project.id}/volunteers`, { userId: member.id })).status).toBe(
      303,
    );
    expect((await postForm(agent, `/projects/${project.id}/volunteers`, { userId: member.id })).status).toBe(
      303,
    );
    expect(await db().countBy(ProjectVolunteer, { projectId: project.id })).toBe(1);
    expect(await db().countBy(Notification, { userId: member.id, kind: 'projects' })).toBe(1);
    const remove = await postForm(agent, `/projects/${project.id}/volunteers/${member.id}/remove`);
    expect(remove.status).toBe(303);
    expect(await db().countBy(ProjectVolunteer, { projectId: project.id })).toBe(0);
    expect(
      await db().countBy(AuditEvent, { subjectId: project.id, action: 'project.volunteer_removed' }),
    ).toBe(1);
  });
});
