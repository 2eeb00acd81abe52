import crypto from 'node:crypto';
import { Chapter } from '../../src/accounts/chapter.entity';
import type { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

/** The member count shown on the chapters list for one chapter. */
function memberCountOf(html: string, chapter: Chapter): number {
  const row = new RegExp(
    `<a href="/admin/chapters/${chapter.id}">[^<]*</a></td><td>[^<]*</td><td>(\\d+)</td>`,
  ).exec(html);
  if (!row) throw new Error(`chapter ${chapter.name} is not on the list`);
  return Number(row[1]);
}

describe('admin: chapters', () => {
  let t: TestApp;
  let admin: User;
  let adminAgent: Agent;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(t.dataSource.manager, { role: 'admin' });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterEach(() => t.close());

  const db = () => t.dataSource.manager;

  it('creates a chapter (trimmed), lists it and writes a chapter.created audit row', async () => {
    const response = await postForm(adminAgent, '/admin/chapters', {
      name: '  Code for Boston ',
      region: ' Boston, MA ',
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/chapters');

    const chapters = await db().find(Chapter);
    expect(chapters).toHaveLength(1);
    expect(chapters[0]).toMatchObject({ name: 'Code for Boston', region: 'Boston, MA' });
    const audit = await db().findBy(AuditEvent, { action: 'chapter.created' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, subjectType: 'chapter', subjectId: chapters[0].id });

    const list = await adminAgent.get('/admin/chapters');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Chapter “Code for Boston” added.');
    expect(list.text).toContain(`<a href="/admin/chapters/${chapters[0].id}">Code for Boston</a>`);
  });

  it('creates a chapter without a region', async () => {
    const response = await postForm(adminAgent, '/admin/chapters', { name: 'Open Oakland' });
    expect(response.status).toBe(303);
    expect(await db().findOneByOrFail(Chapter, { name: 'Open Oakland' })).toMatchObject({ region: '' });
  });

  it('edits a chapter and writes a chapter.updated audit row', async () => {
    const chapter = await createChapter(db(), { name: 'Code for Philly', region: 'Philadelphia' });
    const form = await adminAgent.get(`/admin/chapters/${chapter.id}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Code for Philly"');
    expect(form.text).toContain('value="Philadelphia"');

    const response = await postForm(adminAgent, `/admin/chapters/${chapter.id}`, {
      name: 'Code for Philadelphia',
      region: 'Philadelphia, PA',
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/chapters');
    expect(await db().findOneByOrFail(Chapter, { id: chapter.id })).toMatchObject({
      name: 'Code for Philadelphia',
      region: 'Philadelphia, PA',
    });
    expect(await db().count(Chapter)).toBe(1);
    const audit = await db().findBy(AuditEvent, { action: 'chapter.updated', subjectId: chapter.id });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({
      name: 'Code for Philadelphia',
      region: 'Philadelphia, PA',
      timeZone: null,
      countryCode: 'US',
      stateCode: null,
    });
  });

  it('keeps a chapter its own name when only the region changes', async () => {
    const chapter = await createChapter(db(), { name: 'Code for Boston', region: 'Boston' });
    const response = await postForm(adminAgent, `/admin/chapters/${chapter.id}`, {
      name: 'Code for Boston',
      region: 'Greater Boston',
    });
    expect(response.status).toBe(303);
    expect((await db().findOneByOrFail(Chapter, { id: chapter.id })).region).toBe('Greater Boston');
  });

  it('refuses a duplicate name on create with 409, re-rendering the form with the message and the typed values', async () => {
    await createChapter(db(), { name: 'Code for Boston' });
    const response = await postForm(adminAgent, '/admin/chapters', {
      name: 'Code for Boston',
      region: 'Cambridge, MA',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('Another chapter already has this name.');
    expect(response.text).toContain('<form method="post" action="/admin/chapters"');
    expect(response.text).toContain('value="Code for Boston"');
    expect(response.text).toContain('value="Cambridge, MA"');
    expect(await db().count(Chapter)).toBe(1);
    expect(await db().countBy(AuditEvent, { action: 'chapter.created' })).toBe(0);
  });

  it('refuses renaming a chapter to another chapter’s name with 409 and keeps both as they were', async () => {
    await createChapter(db(), { name: 'Code for Boston' });
    const philly = await createChapter(db(), { name: 'Code for Philly', region: 'Philadelphia' });
    const response = await postForm(adminAgent, `/admin/chapters/${philly.id}`, {
      name: 'Code for Boston',
      region: 'Somewhere new',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('Another chapter already has this name.');
    expect(response.text).toContain(`action="/admin/chapters/${philly.id}"`);
    expect(response.text).toContain('value="Code for Boston"');
    expect(response.text).toContain('value="Somewhere new"');
    expect(await db().findOneByOrFail(Chapter, { id: philly.id })).toMatchObject({
      name: 'Code for Philly',
      region: 'Philadelphia',
    });
    expect(await db().countBy(AuditEvent, { action: 'chapter.updated' })).toBe(0);
  });

  describe('refuses a bad name with 400 and a field message, saving nothing', () => {
    it.each([
      ['an empty name', '', 'Enter chapter name.'],
      ['a name of only spaces', '    ', 'Enter chapter name.'],
      ['a 121-character name', 'x'.repeat(121), 'Chapter name can be at most 120 characters.'],
    ])('%s on create', async (_case, name, message) => {
      const response = await postForm(adminAgent, '/admin/chapters', { name, region: 'Boston' });
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
      expect(response.text).toContain('value="Boston"');
      expect(await db().count(Chapter)).toBe(0);
    });

    it.each([
      ['an empty name', '', 'Enter chapter name.'],
      ['a 121-character name', 'x'.repeat(121), 'Chapter name can be at most 120 characters.'],
    ])('%s on edit', async (_case, name, message) => {
      const chapter = await createChapter(db(), { name: 'Code for Boston' });
      const response = await postForm(adminAgent, `/admin/chapters/${chapter.id}`, { name, region: '' });
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
      expect((await db().findOneByOrFail(Chapter, { id: chapter.id })).name).toBe('Code for Boston');
    });

    it('a region over 120 characters', async () => {
      const response = await postForm(adminAgent, '/admin/chapters', {
        name: 'Code for Boston',
        region: 'r'.repeat(121),
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('City or region can be at most 120 characters.');
      expect(await db().count(Chapter)).toBe(0);
    });
  });

  it('accepts a name of exactly 120 characters', async () => {
    const name = 'n'.repeat(120);
    expect((await postForm(adminAgent, '/admin/chapters', { name })).status).toBe(303);
    expect(await db().countBy(Chapter, { name })).toBe(1);
  });

  it('shows how many people belong to each chapter on the list', async () => {
    const boston = await createChapter(db(), { name: 'Code for Boston' });
    const philly = await createChapter(db(), { name: 'Code for Philly' });
    const empty = await createChapter(db(), { name: 'Open Oakland' });
    await createUser(db(), { chapterId: boston.id });
    await createUser(db(), { chapterId: boston.id, role: 'coach' });
    await createUser(db(), { chapterId: boston.id, active: false });
    await createUser(db(), { chapterId: philly.id });

    const list = await adminAgent.get('/admin/chapters');
    expect(list.status).toBe(200);
    expect(memberCountOf(list.text, boston)).toBe(3);
    expect(memberCountOf(list.text, philly)).toBe(1);
    expect(memberCountOf(list.text, empty)).toBe(0);
  });

  it('answers 404 for a chapter id that is malformed or unknown', async () => {
    expect((await adminAgent.get('/admin/chapters/not-a-uuid')).status).toBe(404);
    expect((await adminAgent.get(`/admin/chapters/${crypto.randomUUID()}`)).status).toBe(404);
    expect(
      (await postForm(adminAgent, `/admin/chapters/${crypto.randomUUID()}`, { name: 'Ghost' })).status,
    ).toBe(404);
    expect(await db().count(Chapter)).toBe(0);
  });

  it.each(['organizer', 'coach'] as const)(
    'answers 403 to a signed-in %s and saves nothing',
    async (role) => {
      const chapter = await createChapter(db(), { name: 'Code for Boston' });
      const agent = await signedInAgent(t.app, (await createUser(db(), { role })).email);
      expect((await agent.get('/admin/chapters')).status).toBe(403);
      expect((await postForm(agent, '/admin/chapters', { name: 'Rogue chapter' })).status).toBe(403);
      expect((await postForm(agent, `/admin/chapters/${chapter.id}`, { name: 'Renamed' })).status).toBe(403);
      expect(await db().count(Chapter)).toBe(1);
      expect((await db().findOneByOrFail(Chapter, { id: chapter.id })).name).toBe('Code for Boston');
    },
  );
});
