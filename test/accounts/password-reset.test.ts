import { IsNull } from 'typeorm';
import { PasswordReset } from '../../src/accounts/one-time-token.entities';
import { User } from '../../src/accounts/user.entity';
import { verifyPassword } from '../../src/accounts/passwords';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { CalendarFeed } from '../../src/workshops/workshop.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import type { User as UserRow } from '../../src/accounts/user.entity';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { anonymousAgent, postForm, signIn, signedInAgent, type Agent } from '../helpers/http';

const NEW_PASSWORD = 'a brand new and long passphrase';

/** Makes a private calendar link for `user` (signing in unless an agent is given); returns its path. */
async function calendarLinkOf(t: TestApp, user: UserRow, given?: Agent): Promise<string> {
  const agent = given ?? (await signedInAgent(t.app, user.email));
  expect((await postForm(agent, '/account/calendar-feed')).status).toBe(303);
  const link = /\/calendar\/[\w-]+\.ics/.exec((await agent.get('/workshops')).text)?.[0];
  if (!link) throw new Error('no calendar link on the page');
  expect((await anonymousAgent(t.app).get(link)).status).toBe(200);
  return link;
}

/** Reset emails are written after the answer is sent: wait (briefly) until `count` have arrived. */
async function emailsArrive(t: TestApp, email: string, count: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if ((await t.dataSource.manager.countBy(OutboxMessage, { toAddress: email })) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected ${count} emails to ${email}`);
}

describe('password reset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function resetLinkFor(email: string, count = 1): Promise<string> {
    await emailsArrive(t, email, count);
    const message = await t.dataSource.manager.findOneOrFail(OutboxMessage, {
      where: { toAddress: email },
      order: { createdAt: 'DESC' },
    });
    const match = /http:\/\/academy\.test(\/password\/reset\/[\w-]+)/.exec(message.bodyText);
    if (!match) throw new Error('no reset link in the email');
    return match[1];
  }

  it('answers the same for known and unknown addresses, and only emails the known one', async () => {
    const user = await createUser(t.dataSource.manager);
    const known = await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const unknown = await postForm(anonymousAgent(t.app), '/password/forgot', {
      email: 'nobody@example.org',
    });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.text).toBe(unknown.text);
    await emailsArrive(t, user.email, 1);
    expect(await t.dataSource.manager.countBy(OutboxMessage, { toAddress: user.email })).toBe(1);
    expect(await t.dataSource.manager.countBy(OutboxMessage, { toAddress: 'nobody@example.org' })).toBe(0);
  });

  it('sets a new password once, ends every session of that person, and the link dies', async () => {
    const user = await createUser(t.dataSource.manager);
    const otherDevice = await signedInAgent(t.app, user.email);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const link = await resetLinkFor(user.email);
    const stored = await t.dataSource.manager.findOneByOrFail(PasswordReset, { userId: user.id });
    expect(link).not.toContain(stored.tokenHash);

    const agent = anonymousAgent(t.app);
    expect((await agent.get(link)).status).toBe(200);
    const done = await postForm(agent, link, { password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login?passwordReset=1');
    expect((await agent.get(done.headers.location)).text).toContain('Your password was changed');
    const updated = await t.dataSource.manager.findOneByOrFail(User, { id: user.id });
    expect(await verifyPassword(updated.passwordHash, NEW_PASSWORD)).toBe(true);
    expect((await otherDevice.get('/account')).status).toBe(303);
    expect((await signIn(anonymousAgent(t.app), user.email, NEW_PASSWORD)).status).toBe(303);
    expect((await signIn(anonymousAgent(t.app), user.email, TEST_PASSWORD)).status).toBe(400);

    expect((await anonymousAgent(t.app).get(link)).status).toBe(410);
    expect(
      (await postForm(anonymousAgent(t.app), link, { password: 'yet another long passphrase' })).status,
    ).toBe(410);
  });

  it('refuses an expired link (after one hour)', async () => {
    const user = await createUser(t.dataSource.manager);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const link = await resetLinkFor(user.email);
    await t.dataSource.manager.update(
      PasswordReset,
      { userId: user.id },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const response = await postForm(anonymousAgent(t.app), link, { password: NEW_PASSWORD });
    expect(response.status).toBe(410);
    expect(response.text).toContain('expired or was already used');
  });

  it('makes every older link useless when a new one is asked for', async () => {
    const user = await createUser(t.dataSource.manager);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const older = await resetLinkFor(user.email, 1);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const newer = await resetLinkFor(user.email, 2);
    expect(newer).not.toBe(older);
    expect((await anonymousAgent(t.app).get(older)).status).toBe(410);
    expect((await postForm(anonymousAgent(t.app), older, { password: NEW_PASSWORD })).status).toBe(410);
    expect((await anonymousAgent(t.app).get(newer)).status).toBe(200);
    expect(await t.dataSource.manager.countBy(PasswordReset, { userId: user.id, usedAt: IsNull() })).toBe(1);
  });

  it('ends the calendar link when the password is reset', async () => {
    const user = await createUser(t.dataSource.manager);
    const calendar = await calendarLinkOf(t, user);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const link = await resetLinkFor(user.email);
    expect((await postForm(anonymousAgent(t.app), link, { password: NEW_PASSWORD })).status).toBe(303);
    expect((await anonymousAgent(t.app).get(calendar)).status).toBe(404);
    expect(await t.dataSource.manager.countBy(CalendarFeed, { userId: user.id })).toBe(0);
  });

  it('ends reset and calendar links when an admin deactivates the person', async () => {
    const user = await createUser(t.dataSource.manager);
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const calendar = await calendarLinkOf(t, user);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const link = await resetLinkFor(user.email);
    const adminAgent = await signedInAgent(t.app, admin.email);
    expect((await postForm(adminAgent, `/admin/people/${user.id}/deactivate`)).status).toBe(303);
    expect((await anonymousAgent(t.app).get(link)).status).toBe(410);
    expect((await anonymousAgent(t.app).get(calendar)).status).toBe(404);
  });

  it('keeps the link usable when the new password is refused', async () => {
    const user = await createUser(t.dataSource.manager);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    const link = await resetLinkFor(user.email);
    const weak = await postForm(anonymousAgent(t.app), link, { password: 'too short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Use at least 12 characters.');
    expect((await postForm(anonymousAgent(t.app), link, { password: NEW_PASSWORD })).status).toBe(303);
  });
});

describe('changing a password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('requires the current password', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const response = await postForm(agent, '/account/password', {
      currentPassword: 'wrong one entirely',
      newPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('That is not your current password.');
    const unchanged = await t.dataSource.manager.findOneByOrFail(User, { id: user.id });
    expect(await verifyPassword(unchanged.passwordHash, TEST_PASSWORD)).toBe(true);
  });

  it('ends every reset link and the calendar link of that person', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const calendar = await calendarLinkOf(t, user, agent);
    await postForm(anonymousAgent(t.app), '/password/forgot', { email: user.email });
    await emailsArrive(t, user.email, 1);
    const response = await postForm(agent, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect(await t.dataSource.manager.countBy(PasswordReset, { userId: user.id, usedAt: IsNull() })).toBe(0);
    expect((await anonymousAgent(t.app).get(calendar)).status).toBe(404);
    // A new calendar link can be made at once.
    expect((await anonymousAgent(t.app).get(await calendarLinkOf(t, user, agent))).status).toBe(200);
  });

  it('changes it, keeps this session and signs out the other devices', async () => {
    const user = await createUser(t.dataSource.manager);
    const here = await signedInAgent(t.app, user.email);
    const elsewhere = await signedInAgent(t.app, user.email);
    const response = await postForm(here, '/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.status).toBe(303);
    expect((await here.get('/account')).status).toBe(200);
    expect((await elsewhere.get('/account')).status).toBe(303);
    const changed = await t.dataSource.manager.findOneByOrFail(User, { id: user.id });
    expect(await verifyPassword(changed.passwordHash, NEW_PASSWORD)).toBe(true);
  });

  it('is only for signed-in people', async () => {
    const response = await postForm(anonymousAgent(t.app), '/account/password', {
      currentPassword: 'x',
      newPassword: 'y',
    });
    expect(response.status).toBe(401);
  });
});
