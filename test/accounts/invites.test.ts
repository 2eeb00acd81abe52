import { IsNull, Not } from 'typeorm';
import { Invite } from '../../src/accounts/invite.entity';
import { hashToken } from '../../src/accounts/tokens';
import { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, csrfToken, postForm, signedInAgent, signIn, type Agent } from '../helpers/http';

const STRONG_PASSWORD = 'a long and unusual passphrase';
const INVITE_LINK = new RegExp(`${TEST_ENV.BASE_URL.replace(/[.]/g, '\\.')}/invites/([A-Za-z0-9_-]+)`);

describe('invites', () => {
  let t: TestApp;
  let admin: User;
  let adminAgent: Agent;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(t.dataSource.manager, { role: 'admin', displayName: 'Ada Admin' });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterEach(() => t.close());

  const db = () => t.dataSource.manager;

  /** The raw token in the newest invite email to `email`, read from the outbox like an admin would. */
  async function latestInviteToken(email: string): Promise<string> {
    const [message] = await db().find(OutboxMessage, {
      where: { toAddress: email },
      order: { createdAt: 'DESC' },
      take: 1,
    });
    const match = message ? INVITE_LINK.exec(message.bodyText) : null;
    if (!match) throw new Error(`no invite link was emailed to ${email}`);
    return match[1];
  }

  /** Invites through the admin form and returns the raw token from the queued email. */
  async function invite(email: string, role = 'coach', chapterId = ''): Promise<string> {
    const response = await postForm(adminAgent, '/admin/invites', { email, role, chapterId });
    if (response.status !== 303)
      throw new Error(`invite failed with ${response.status}: ${response.text.slice(0, 300)}`);
    return latestInviteToken(email.toLowerCase());
  }

  const accept = (agent: Agent, token: string, fields: Record<string, string>) =>
    postForm(agent, `/invites/${token}`, fields);

  it('lets an admin invite by email with a role and chapter, storing only a hash of the emailed token', async () => {
    const chapter = await createChapter(db(), { name: 'Code for Boston' });
    const response = await postForm(adminAgent, '/admin/invites', {
      email: 'Casey.Coach@Example.org',
      role: 'coach',
      chapterId: chapter.id,
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/invites');

    const invites = await db().find(Invite);
    expect(invites).toHaveLength(1);
    const [row] = invites;
    expect(row).toMatchObject({
      email: 'casey.coach@example.org',
      role: 'coach',
      chapterId: chapter.id,
      invitedById: admin.id,
      acceptedAt: null,
      revokedAt: null,
      userId: null,
    });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);

    const messages = await db().find(OutboxMessage);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ toAddress: 'casey.coach@example.org', status: 'queued' });
    expect(messages[0].subject).toContain('Ada Admin');
    const token = INVITE_LINK.exec(messages[0].bodyText)![1];
    expect(messages[0].bodyText).toContain(`${TEST_ENV.BASE_URL}/invites/${token}`);
    expect(row.tokenHash).toBe(hashToken(token));
    const [stored] = await t.dataSource.query<Record<string, unknown>[]>(`SELECT * FROM invites`);
    expect(JSON.stringify(stored)).not.toContain(token);

    const audit = await db().findBy(AuditEvent, { action: 'invite.created' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, subjectType: 'invite', subjectId: row.id });
    expect(audit[0].details).toMatchObject({
      email: 'casey.coach@example.org',
      role: 'coach',
      chapterId: chapter.id,
    });

    const list = await adminAgent.get('/admin/invites');
    expect(list.status).toBe(200);
    expect(list.text).toContain('casey.coach@example.org');
    expect(list.text).toContain(
      'Invite created for casey.coach@example.org: no mail server is set up, so copy the link from the Outbox.',
    );
  });

  it('shows the invitee their email and role, then creates their account with the invite role and chapter and signs them in', async () => {
    const chapter = await createChapter(db());
    const token = await invite('casey@example.org', 'coach', chapter.id);
    const invitee = anonymousAgent(t.app);

    const page = await invitee.get(`/invites/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('casey@example.org');
    expect(page.text).toContain('<strong>coach</strong>');

    const response = await accept(invitee, token, { displayName: 'Casey Coach', password: STRONG_PASSWORD });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/coach');

    const user = await db().findOneByOrFail(User, { email: 'casey@example.org' });
    expect(user.lastLoginAt).toBeInstanceOf(Date);
    expect(user).toMatchObject({
      displayName: 'Casey Coach',
      role: 'coach',
      chapterId: chapter.id,
      active: true,
    });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const row = await db().findOneByOrFail(Invite, { email: 'casey@example.org' });
    expect(row.acceptedAt).toBeInstanceOf(Date);
    expect(row.userId).toBe(user.id);
    expect(
      await db().countBy(AuditEvent, { action: 'invite.accepted', subjectId: row.id, actorId: user.id }),
    ).toBe(1);

    const account = await invitee.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('Casey Coach');
    expect(account.text).toContain('casey@example.org');
    expect((await signIn(anonymousAgent(t.app), 'casey@example.org', STRONG_PASSWORD)).status).toBe(303);
  });

  it('makes the link single-use: a second use gets 410 and creates no second account', async () => {
    const token = await invite('once@example.org');
    expect(
      (await accept(anonymousAgent(t.app), token, { displayName: 'First', password: STRONG_PASSWORD }))
        .status,
    ).toBe(303);

    const again = anonymousAgent(t.app);
    expect((await again.get(`/invites/${token}`)).status).toBe(410);
    const second = await accept(again, token, {
      displayName: 'Second',
      password: 'another long passphrase here',
    });
    expect(second.status).toBe(410);
    expect(second.text).toContain('This invite link has expired, was revoked or was already used.');
    expect(await db().countBy(User, { email: 'once@example.org' })).toBe(1);
    expect((await db().findOneByOrFail(User, { email: 'once@example.org' })).displayName).toBe('First');
  });

  it('refuses an expired invite link with 410 and creates nothing', async () => {
    const token = await invite('late@example.org');
    await db().update(Invite, { email: 'late@example.org' }, { expiresAt: new Date(Date.now() - 60_000) });
    const agent = anonymousAgent(t.app);
    expect((await agent.get(`/invites/${token}`)).status).toBe(410);
    expect((await accept(agent, token, { displayName: 'Late', password: STRONG_PASSWORD })).status).toBe(410);
    expect(await db().countBy(User, { email: 'late@example.org' })).toBe(0);
    expect((await db().findOneByOrFail(Invite, { email: 'late@example.org' })).acceptedAt).toBeNull();
  });

  it('refuses a revoked invite link with 410 and creates nothing', async () => {
    const token = await invite('revoked@example.org');
    const row = await db().findOneByOrFail(Invite, { email: 'revoked@example.org' });
    const revoke = await postForm(adminAgent, `/admin/invites/${row.id}/revoke`);
    expect(revoke.status).toBe(303);
    expect((await db().findOneByOrFail(Invite, { id: row.id })).revokedAt).toBeInstanceOf(Date);
    expect(await db().countBy(AuditEvent, { action: 'invite.revoked', subjectId: row.id })).toBe(1);

    const agent = anonymousAgent(t.app);
    expect((await agent.get(`/invites/${token}`)).status).toBe(410);
    expect((await accept(agent, token, { displayName: 'Revoked', password: STRONG_PASSWORD })).status).toBe(
      410,
    );
    expect(await db().countBy(User, { email: 'revoked@example.org' })).toBe(0);
  });

  it('resends with a new link: the old link stops working (410) and the new one works', async () => {
    const oldToken = await invite('resend@example.org');
    const row = await db().findOneByOrFail(Invite, { email: 'resend@example.org' });
    const resend = await postForm(adminAgent, `/admin/invites/${row.id}/resend`);
    expect(resend.status).toBe(303);

    expect(await db().countBy(OutboxMessage, { toAddress: 'resend@example.org' })).toBe(2);
    const newToken = await latestInviteToken('resend@example.org');
    expect(newToken).not.toBe(oldToken);
    expect((await db().findOneByOrFail(Invite, { id: row.id })).tokenHash).toBe(hashToken(newToken));
    expect(await db().count(Invite)).toBe(1);
    expect(await db().countBy(AuditEvent, { action: 'invite.resent', subjectId: row.id })).toBe(1);

    const agent = anonymousAgent(t.app);
    expect((await agent.get(`/invites/${oldToken}`)).status).toBe(410);
    expect((await accept(agent, oldToken, { displayName: 'Old', password: STRONG_PASSWORD })).status).toBe(
      410,
    );
    expect(await db().countBy(User, { email: 'resend@example.org' })).toBe(0);

    expect((await agent.get(`/invites/${newToken}`)).status).toBe(200);
    expect((await accept(agent, newToken, { displayName: 'New', password: STRONG_PASSWORD })).status).toBe(
      303,
    );
    expect(await db().findOneByOrFail(User, { email: 'resend@example.org' })).toMatchObject({
      displayName: 'New',
      role: 'coach',
    });
  });

  it('refuses to resend or revoke an accepted invite (409), and answers 404 for unknown invite ids', async () => {
    const token = await invite('done@example.org');
    expect(
      (await accept(anonymousAgent(t.app), token, { displayName: 'Done', password: STRONG_PASSWORD })).status,
    ).toBe(303);
    const row = await db().findOneByOrFail(Invite, { email: 'done@example.org' });
    expect((await postForm(adminAgent, `/admin/invites/${row.id}/resend`)).status).toBe(409);
    expect((await postForm(adminAgent, `/admin/invites/${row.id}/revoke`)).status).toBe(409);
    expect(await db().findOneByOrFail(Invite, { id: row.id })).toMatchObject({
      tokenHash: row.tokenHash,
      revokedAt: null,
    });
    expect(await db().countBy(OutboxMessage, { toAddress: 'done@example.org' })).toBe(1);
    expect((await postForm(adminAgent, '/admin/invites/not-a-uuid/resend')).status).toBe(404);
    expect(
      (await postForm(adminAgent, '/admin/invites/00000000-0000-4000-8000-000000000000/revoke')).status,
    ).toBe(404);
  });

  it('ignores extra fields on the accept form: role=admin and another email do not change the account', async () => {
    const token = await invite('modest@example.org', 'organizer');
    const response = await accept(anonymousAgent(t.app), token, {
      displayName: 'Modest',
      password: STRONG_PASSWORD,
      role: 'admin',
      email: 'other@x.org',
      chapterId: '00000000-0000-4000-8000-000000000000',
    });
    expect(response.status).toBe(303);
    expect(await db().findOneByOrFail(User, { email: 'modest@example.org' })).toMatchObject({
      role: 'organizer',
      chapterId: null,
    });
    expect(await db().countBy(User, { email: 'other@x.org' })).toBe(0);
    expect(await db().countBy(User, { role: 'admin' })).toBe(1);
  });

  describe('the invite form refuses bad input with 400 and a field message, creating nothing', () => {
    it.each([
      ['an unknown role', { email: 'x@example.org', role: 'superuser' }, 'Choose a valid role.'],
      ['a missing role', { email: 'x@example.org' }, 'Choose a valid role.'],
      ['a missing email', { role: 'coach' }, 'Enter an email address.'],
      ['a blank email', { email: '   ', role: 'coach' }, 'Enter an email address.'],
      [
        'an email that is not an address',
        { email: 'not-an-email', role: 'coach' },
        'Enter an email address like name@example.org.',
      ],
      [
        'an overlong email',
        { email: `${'a'.repeat(250)}@example.org`, role: 'coach' },
        'That email address is too long.',
      ],
      [
        'a chapter id that is not an id',
        { email: 'x@example.org', role: 'coach', chapterId: 'boston' },
        'Choose a valid chapter.',
      ],
      [
        'an unknown chapter',
        { email: 'x@example.org', role: 'coach', chapterId: '00000000-0000-4000-8000-000000000000' },
        'That chapter does not exist.',
      ],
    ])('%s', async (_case, fields, message) => {
      const response = await postForm(adminAgent, '/admin/invites', fields);
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
      expect(await db().count(Invite)).toBe(0);
      expect(await db().count(OutboxMessage)).toBe(0);
      expect(await db().countBy(AuditEvent, { action: 'invite.created' })).toBe(0);
    });

    it.each([
      ['email[]=a%40example.org&email[]=b%40example.org'],
      ['email=a%40example.org&email=b%40example.org'],
    ])('an email sent as an array (%s)', async (emailPart) => {
      const csrf = await csrfToken(adminAgent);
      const response = await adminAgent
        .post('/admin/invites')
        .type('form')
        .send(`${emailPart}&role=coach&_csrf=${encodeURIComponent(csrf)}`);
      expect(response.status).toBe(400);
      expect(response.text).toContain('Enter an email address.');
      expect(await db().count(Invite)).toBe(0);
      expect(await db().count(OutboxMessage)).toBe(0);
    });
  });

  it('refuses to invite an address that already has an account (409 with a message)', async () => {
    await createUser(db(), { email: 'taken@example.org' });
    const response = await postForm(adminAgent, '/admin/invites', {
      email: 'Taken@Example.org',
      role: 'coach',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('Someone with this email already has an account.');
    expect(response.text).toContain('value="Taken@Example.org"');
    expect(await db().count(Invite)).toBe(0);
    expect(await db().count(OutboxMessage)).toBe(0);
  });

  it('refuses to invite an address with an open invite (409) and keeps the first invite as it was', async () => {
    await invite('pending@example.org');
    const first = await db().findOneByOrFail(Invite, { email: 'pending@example.org' });
    const response = await postForm(adminAgent, '/admin/invites', {
      email: 'pending@example.org',
      role: 'admin',
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('This address already has an open invite');
    expect(await db().find(Invite)).toEqual([first]);
    expect(await db().count(OutboxMessage)).toBe(1);
  });

  it('lets an admin invite an address again once its earlier invite expired', async () => {
    await invite('again@example.org');
    await db().update(Invite, { email: 'again@example.org' }, { expiresAt: new Date(Date.now() - 60_000) });
    const token = await invite('again@example.org', 'organizer');
    expect(await db().countBy(Invite, { email: 'again@example.org' })).toBe(2);
    expect(await db().countBy(Invite, { email: 'again@example.org', revokedAt: Not(IsNull()) })).toBe(1);
    const open = await db().findOneByOrFail(Invite, { email: 'again@example.org', revokedAt: IsNull() });
    expect(open).toMatchObject({ role: 'organizer', acceptedAt: null, tokenHash: hashToken(token) });
  });

  it.each([
    ['a short password', 'short pass1', 'Use at least 12 characters.'],
    ['a common password', 'qwerty123456', 'That password is one of the most common ones; choose another.'],
    ['the email as password', 'weak@example.org', 'Do not use your email address as your password.'],
    ['a missing password', '', 'Enter password.'],
  ])(
    'refuses %s on the accept form with 400 and the message, and creates nothing',
    async (_case, password, message) => {
      const token = await invite('weak@example.org');
      const response = await accept(anonymousAgent(t.app), token, { displayName: 'Weak', password });
      expect(response.status).toBe(400);
      expect(response.text).toContain(message);
      expect(response.text).toContain('value="Weak"');
      if (password && password !== 'weak@example.org') expect(response.text).not.toContain(password);
      expect(await db().countBy(User, { email: 'weak@example.org' })).toBe(0);
      expect((await db().findOneByOrFail(Invite, { email: 'weak@example.org' })).acceptedAt).toBeNull();
      expect(await db().countBy(AuditEvent, { action: 'invite.accepted' })).toBe(0);
    },
  );

  it('accepts a password of 64 and more characters, unshortened', async () => {
    const token = await invite('long@example.org');
    const password = 'correct horse battery staple, and then some more words '.repeat(2).trim();
    expect(password.length).toBeGreaterThanOrEqual(64);
    const response = await accept(anonymousAgent(t.app), token, { displayName: 'Long', password });
    expect(response.status).toBe(303);
    expect(await db().countBy(User, { email: 'long@example.org' })).toBe(1);
    expect((await signIn(anonymousAgent(t.app), 'long@example.org', password)).status).toBe(303);
    expect((await signIn(anonymousAgent(t.app), 'long@example.org', password.slice(0, 64))).status).toBe(400);
  });

  it.each(['organizer', 'coach'] as const)(
    'answers 403 to a signed-in %s posting an invite, and creates nothing',
    async (role) => {
      const person = await createUser(db(), { role });
      const agent = await signedInAgent(t.app, person.email);
      const response = await postForm(agent, '/admin/invites', {
        email: 'sneaky@example.org',
        role: 'admin',
      });
      expect(response.status).toBe(403);
      expect((await agent.get('/admin/invites')).status).toBe(403);
      expect(await db().count(Invite)).toBe(0);
      expect(await db().count(OutboxMessage)).toBe(0);
      expect(await db().countBy(AuditEvent, { action: 'invite.created' })).toBe(0);
    },
  );
});
