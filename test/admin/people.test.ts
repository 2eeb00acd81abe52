import { Like, Not } from 'typeorm';
import crypto from 'node:crypto';
import { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { PEOPLE_PAGE_SIZE } from '../../src/admin/people.service';
import { wouldLeaveNoAcademyAdmin } from '../../src/web/database-errors';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, signIn, type Agent } from '../helpers/http';

/** The ids of the people listed on a rendered people page, in order. */
function listedIds(html: string): string[] {
  return [...html.matchAll(/<td[^>]*><a href="\/admin\/people\/([0-9a-f-]{36})">/g)].map((match) => match[1]);
}

describe('admin: people', () => {
  let t: TestApp;
  let admin: User;
  let adminAgent: Agent;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(t.dataSource.manager, {
      role: 'admin',
      displayName: 'Ada Admin',
      email: 'ada@example.org',
    });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterEach(() => t.close());

  const db = () => t.dataSource.manager;

  const sessionRows = async (userId: string): Promise<number> => {
    const rows = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "sessions" WHERE "sess" #>> '{passport,user}' = $1`,
      [userId],
    );
    return rows[0].n;
  };

  describe('the list', () => {
    it('searches by name and by email, case-insensitively', async () => {
      const zelda = await createUser(db(), { displayName: 'Zelda Quintero', email: 'zq@chapter.example' });
      const other = await createUser(db(), { displayName: 'Otto Other', email: 'otto@elsewhere.example' });

      const byName = await adminAgent.get('/admin/people').query({ q: 'zELDA' });
      expect(byName.status).toBe(200);
      expect(listedIds(byName.text)).toEqual([zelda.id]);
      expect(byName.text).toContain('1 person found.');

      const byEmail = await adminAgent.get('/admin/people').query({ q: 'ZQ@CHAPTER' });
      expect(listedIds(byEmail.text)).toEqual([zelda.id]);

      const byDomain = await adminAgent.get('/admin/people').query({ q: 'EXAMPLE' });
      expect(listedIds(byDomain.text).sort()).toEqual([admin.id, zelda.id, other.id].sort());

      const nobody = await adminAgent.get('/admin/people').query({ q: 'nobody-by-this-name' });
      expect(listedIds(nobody.text)).toEqual([]);
      expect(nobody.text).toContain('0 people found.');
    });

    it('treats % and _ in the search text literally', async () => {
      const percent = await createUser(db(), { displayName: '100% Organizer' });
      await createUser(db(), { displayName: '1000 Organizer' });
      const response = await adminAgent.get('/admin/people').query({ q: '100%' });
      expect(listedIds(response.text)).toEqual([percent.id]);
      expect(listedIds((await adminAgent.get('/admin/people').query({ q: '_' })).text)).toEqual([]);
    });

    it('filters by role, by chapter and by status, and combines the filters', async () => {
      const boston = await createChapter(db(), { name: 'Code for Boston' });
      const philly = await createChapter(db(), { name: 'Code for Philly' });
      const coachBoston = await createUser(db(), { role: 'coach', chapterId: boston.id });
      const organizerBoston = await createUser(db(), { role: 'organizer', chapterId: boston.id });
      const coachPhilly = await createUser(db(), { role: 'coach', chapterId: philly.id });
      const inactiveCoach = await createUser(db(), { role: 'coach', chapterId: boston.id, active: false });

      const list = (query: Record<string, string>) =>
        adminAgent
          .get('/admin/people')
          .query(query)
          .then((response) => {
            expect(response.status).toBe(200);
            return listedIds(response.text).sort();
          });

      expect(await list({ role: 'coach' })).toEqual(
        [coachBoston.id, coachPhilly.id, inactiveCoach.id].sort(),
      );
      expect(await list({ role: 'admin' })).toEqual([admin.id]);
      expect(await list({ chapterId: boston.id })).toEqual(
        [coachBoston.id, organizerBoston.id, inactiveCoach.id].sort(),
      );
      expect(await list({ status: 'inactive' })).toEqual([inactiveCoach.id]);
      expect(await list({ status: 'active', role: 'coach', chapterId: boston.id })).toEqual([coachBoston.id]);
      // Unusable filter values are ignored rather than failing the page.
      expect(await list({ role: 'superuser', chapterId: 'nope', status: 'gone' })).toHaveLength(5);
    });

    it(`pages by ${PEOPLE_PAGE_SIZE} in name order from a position, stable while people are added`, async () => {
      // Created out of order, so the list order has to come from the query.
      const numbers = Array.from({ length: PEOPLE_PAGE_SIZE + 4 }, (_, i) => i).sort(
        (a, b) => (a % 7) - (b % 7) || b - a,
      );
      for (const n of numbers)
        await createUser(db(), { displayName: `Member ${String(n).padStart(3, '0')}` });
      const total = PEOPLE_PAGE_SIZE + 5;
      const names = (html: string) =>
        [...html.matchAll(/<td[^>]*><a href="\/admin\/people\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map(
          (m) => m[1],
        );

      const first = await adminAgent.get('/admin/people');
      expect(first.status).toBe(200);
      expect(first.text).toContain(`${total} people found.`);
      expect(first.text).toContain('aria-label="Pages"');
      const firstIds = listedIds(first.text);
      expect(firstIds).toHaveLength(PEOPLE_PAGE_SIZE);

      const nextLink = /<a href="\?([^"]+)" rel="next">Next page<\/a>/.exec(first.text);
      expect(nextLink).not.toBeNull();
      const nextQuery = Object.fromEntries(new URLSearchParams(nextLink![1].replace(/&amp;/g, '&')));
      // Someone joins between the two page loads, named to sort onto the first page: the second
      // page still starts right after the first page's last person (no one twice, no one skipped).
      await createUser(db(), { displayName: 'Aaron Latecomer' });
      const second = await adminAgent.get('/admin/people').query(nextQuery);
      const secondIds = listedIds(second.text);
      expect(secondIds).toHaveLength(5);
      expect(second.text).toContain('First page');
      expect(second.text).not.toContain('rel="next"');
      const expectedNames = [
        'Ada Admin',
        ...numbers.sort((a, b) => a - b).map((n) => `Member ${String(n).padStart(3, '0')}`),
      ];
      expect([...names(first.text), ...names(second.text)]).toEqual(expectedNames);

      const everyone = (await db().find(User, { select: { id: true } })).map((user) => user.id);
      expect(new Set([...firstIds, ...secondIds]).size).toBe(total);
      expect(everyone).toHaveLength(total + 1);

      const nonsense = await adminAgent.get('/admin/people').query({ after: 'not-a-position' });
      expect(nonsense.status).toBe(200);
      expect(listedIds(nonsense.text)).toEqual(listedIds((await adminAgent.get('/admin/people')).text));
    });
  });

  it('saves a new role and chapter and writes a user.updated audit row', async () => {
    const chapter = await createChapter(db());
    const person = await createUser(db(), { role: 'organizer' });

    const page = await adminAgent.get(`/admin/people/${person.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(person.email);

    const response = await postForm(adminAgent, `/admin/people/${person.id}`, {
      role: 'coach',
      chapterId: chapter.id,
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/admin/people/${person.id}`);
    expect(await db().findOneByOrFail(User, { id: person.id })).toMatchObject({
      role: 'coach',
      chapterId: chapter.id,
    });

    const audit = await db().findBy(AuditEvent, { action: 'user.updated', subjectId: person.id });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, subjectType: 'user' });
    expect(audit[0].details).toEqual({
      role: { from: 'organizer', to: 'coach' },
      chapterId: { from: null, to: chapter.id },
    });

    const cleared = await postForm(adminAgent, `/admin/people/${person.id}`, {
      role: 'coach',
      chapterId: '',
    });
    expect(cleared.status).toBe(303);
    expect((await db().findOneByOrFail(User, { id: person.id })).chapterId).toBeNull();
  });

  it('applies a role change to the person at once, without them signing in again', async () => {
    const person = await createUser(db(), { role: 'organizer' });
    const agent = await signedInAgent(t.app, person.email);
    expect((await agent.get('/admin/people')).status).toBe(403);
    expect(
      (await postForm(adminAgent, `/admin/people/${person.id}`, { role: 'admin', chapterId: '' })).status,
    ).toBe(303);
    expect((await agent.get('/admin/people')).status).toBe(200);
  });

  describe('the only active admin', () => {
    it('cannot demote themselves (409, role unchanged, no audit row)', async () => {
      const response = await postForm(adminAgent, `/admin/people/${admin.id}`, {
        role: 'organizer',
        chapterId: '',
      });
      expect(response.status).toBe(409);
      expect(response.text).toContain(
        'This is the only active admin of the whole academy; make someone else an academy-wide admin first.',
      );
      expect((await db().findOneByOrFail(User, { id: admin.id })).role).toBe('admin');
      expect(await db().countBy(AuditEvent, { action: 'user.updated' })).toBe(0);
      expect((await adminAgent.get('/admin/people')).status).toBe(200);
    });

    it('cannot deactivate themselves (409, still active and signed in)', async () => {
      const response = await postForm(adminAgent, `/admin/people/${admin.id}/deactivate`);
      expect(response.status).toBe(409);
      expect(response.text).toContain('You cannot deactivate your own account.');
      expect((await db().findOneByOrFail(User, { id: admin.id })).active).toBe(true);
      expect(await sessionRows(admin.id)).toBe(1);
      expect(await db().countBy(AuditEvent, { action: 'user.deactivated' })).toBe(0);
    });

    it('counts only active admins: an inactive second admin does not make demotion possible', async () => {
      await createUser(db(), { role: 'admin', active: false });
      const response = await postForm(adminAgent, `/admin/people/${admin.id}`, {
        role: 'coach',
        chapterId: '',
      });
      expect(response.status).toBe(409);
      expect((await db().findOneByOrFail(User, { id: admin.id })).role).toBe('admin');
    });

    it('cannot limit themselves to one chapter, and a chapter admin does not count as another', async () => {
      const chapter = await createChapter(db());
      await createUser(db(), { role: 'admin', scopeChapterId: chapter.id, chapterId: chapter.id });
      const response = await postForm(adminAgent, `/admin/people/${admin.id}`, {
        role: 'admin',
        chapterId: '',
        scopeChapterId: chapter.id,
      });
      expect(response.status).toBe(409);
      expect(response.text).toContain('This is the only active admin of the whole academy');
      expect((await db().findOneByOrFail(User, { id: admin.id })).scopeChapterId).toBeNull();
      expect((await adminAgent.get('/admin/chapters')).status).toBe(200);
    });

    it('is kept by the database too: a direct update that removes the last one is refused at commit', async () => {
      await expect(
        t.dataSource.transaction((m) => m.update(User, admin.id, { role: 'coach' })),
      ).rejects.toThrow('At least one active admin of the whole academy must remain.');
      const refused: unknown = await t.dataSource
        .transaction((m) => m.update(User, admin.id, { active: false }))
        .catch((error: unknown) => error);
      expect(String(refused)).toContain('At least one active admin of the whole academy must remain.');
      // The error handler answers it with 409, never 500.
      expect(wouldLeaveNoAcademyAdmin(refused)).toBe(true);
      expect(await db().findOneByOrFail(User, { id: admin.id })).toMatchObject({
        role: 'admin',
        active: true,
      });
    });

    it('can step down once another active admin exists', async () => {
      await createUser(db(), { role: 'admin' });
      const response = await postForm(adminAgent, `/admin/people/${admin.id}`, {
        role: 'coach',
        chapterId: '',
      });
      expect(response.status).toBe(303);
      expect((await db().findOneByOrFail(User, { id: admin.id })).role).toBe('coach');
      expect((await adminAgent.get('/admin/people')).status).toBe(403);
    });
  });

  it('deactivating ends every session of that person at once, blocks sign-in and keeps their record', async () => {
    const person = await createUser(db(), { role: 'coach', displayName: 'Dee Activated' });
    const laptop = await signedInAgent(t.app, person.email);
    const phone = await signedInAgent(t.app, person.email);
    expect(await sessionRows(person.id)).toBe(2);
    expect((await laptop.get('/account')).status).toBe(200);

    const response = await postForm(adminAgent, `/admin/people/${person.id}/deactivate`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/admin/people/${person.id}`);
    expect(await sessionRows(person.id)).toBe(0);
    expect(await sessionRows(admin.id)).toBe(1);

    for (const agent of [laptop, phone]) {
      const next = await agent.get('/account');
      expect(next.status).toBe(303);
      expect(next.headers.location).toMatch(/^\/login\b/);
    }

    const attempt = await signIn(anonymousAgent(t.app), person.email);
    expect(attempt.status).toBe(400);
    expect(attempt.text).toContain('The email or password is incorrect.');
    expect(await sessionRows(person.id)).toBe(0);

    const stored = await db().findOneByOrFail(User, { id: person.id });
    expect(stored).toMatchObject({
      active: false,
      role: 'coach',
      displayName: 'Dee Activated',
      email: person.email,
    });
    expect(
      await db().countBy(AuditEvent, { action: 'user.deactivated', subjectId: person.id, actorId: admin.id }),
    ).toBe(1);

    const listed = await adminAgent.get('/admin/people').query({ status: 'inactive' });
    expect(listedIds(listed.text)).toEqual([person.id]);
  });

  it('reactivating lets the person sign in again', async () => {
    const person = await createUser(db(), { role: 'organizer', active: false });
    expect((await signIn(anonymousAgent(t.app), person.email)).status).toBe(400);

    const response = await postForm(adminAgent, `/admin/people/${person.id}/reactivate`);
    expect(response.status).toBe(303);
    expect((await db().findOneByOrFail(User, { id: person.id })).active).toBe(true);
    expect(await db().countBy(AuditEvent, { action: 'user.reactivated', subjectId: person.id })).toBe(1);

    const agent = anonymousAgent(t.app);
    expect((await signIn(agent, person.email)).status).toBe(303);
    expect((await agent.get('/account')).status).toBe(200);
  });

  describe('bad ids', () => {
    it.each([
      ['GET', '/admin/people/not-a-uuid'],
      ['POST', '/admin/people/not-a-uuid'],
      ['POST', '/admin/people/not-a-uuid/deactivate'],
      ['POST', '/admin/people/not-a-uuid/reactivate'],
    ])('%s %s answers 404', async (method, url) => {
      const response =
        method === 'GET'
          ? await adminAgent.get(url)
          : await postForm(adminAgent, url, { role: 'coach', chapterId: '' });
      expect(response.status).toBe(404);
    });

    it('answers 404 for a well-formed id nobody has', async () => {
      const id = crypto.randomUUID();
      expect((await adminAgent.get(`/admin/people/${id}`)).status).toBe(404);
      expect(
        (await postForm(adminAgent, `/admin/people/${id}`, { role: 'coach', chapterId: '' })).status,
      ).toBe(404);
      expect((await postForm(adminAgent, `/admin/people/${id}/deactivate`)).status).toBe(404);
      // Nothing changed: no audit row besides the admin's own sign-in.
      expect(await db().count(AuditEvent, { where: { action: Not(Like('security.%')) } })).toBe(0);
    });
  });

  it.each([
    ['an unknown chapter id', crypto.randomUUID(), 'That chapter does not exist.'],
    ['a chapter id that is not an id', 'boston', 'Choose a valid chapter.'],
  ])('refuses %s with 400 and leaves the person unchanged', async (_case, chapterId, message) => {
    const person = await createUser(db(), { role: 'organizer' });
    const response = await postForm(adminAgent, `/admin/people/${person.id}`, { role: 'coach', chapterId });
    expect(response.status).toBe(400);
    expect(response.text).toContain(message);
    expect(await db().findOneByOrFail(User, { id: person.id })).toMatchObject({
      role: 'organizer',
      chapterId: null,
    });
    expect(await db().countBy(AuditEvent, { action: 'user.updated' })).toBe(0);
  });

  it('refuses an unknown role with 400 and leaves the person unchanged', async () => {
    const person = await createUser(db(), { role: 'organizer' });
    const response = await postForm(adminAgent, `/admin/people/${person.id}`, {
      role: 'superuser',
      chapterId: '',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Choose a valid role.');
    expect((await db().findOneByOrFail(User, { id: person.id })).role).toBe('organizer');
  });

  it.each(['organizer', 'coach'] as const)(
    'answers 403 to a signed-in %s on every people route, changing nothing',
    async (role) => {
      const person = await createUser(db(), { role });
      const target = await createUser(db(), { role: 'organizer' });
      const agent = await signedInAgent(t.app, person.email);
      expect((await agent.get('/admin/people')).status).toBe(403);
      expect((await agent.get(`/admin/people/${target.id}`)).status).toBe(403);
      expect(
        (await postForm(agent, `/admin/people/${person.id}`, { role: 'admin', chapterId: '' })).status,
      ).toBe(403);
      expect((await postForm(agent, `/admin/people/${target.id}/deactivate`)).status).toBe(403);
      expect((await db().findOneByOrFail(User, { id: person.id })).role).toBe(role);
      expect((await db().findOneByOrFail(User, { id: target.id })).active).toBe(true);
    },
  );

  it('sends anonymous visitors to sign in', async () => {
    const response = await anonymousAgent(t.app).get('/admin/people');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fadmin%2Fpeople');
  });
});
