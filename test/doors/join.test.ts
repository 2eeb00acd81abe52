import { IsNull } from 'typeorm';
import { Invite } from '../../src/accounts/invite.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { JoinRequest } from '../../src/doors/door.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { confirmLink, joinFields, linkIn, sendForm, stampedAgo } from './helpers';

describe('the join form', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;

  // Each test starts with its own database: fresh limits, no chapters, no requests.
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  it('stores an unconfirmed request, emails a link whose token is stored only as a hash, and shows admins nothing yet', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const response = await sendForm(anonymousAgent(t.app), '/join', joinFields());
    expect(response.status).toBe(200);
    expect(response.text).toContain('Check your email');
    const [row] = await db().find(JoinRequest);
    expect(row).toMatchObject({
      name: 'Nia Newcomer',
      email: 'nia@example.org',
      stateCode: 'MA',
      confirmedAt: null,
    });
    const token = await linkIn(t, 'nia@example.org', '/join/confirm');
    expect(row.confirmTokenHash).not.toBe(token);
    expect(row.confirmTokenHash).toHaveLength(64);

    const adminAgent = await signedInAgent(t.app, admin.email);
    const list = await adminAgent.get('/admin/requests');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('Nia Newcomer');
    expect((await adminAgent.get(`/admin/requests/${row.id}`)).status).toBe(404);
    expect(await db().countBy(Notification, { kind: 'requests' })).toBe(0);
  });

  it('answers a filled honeypot like a success and stores and sends nothing', async () => {
    const response = await sendForm(
      anonymousAgent(t.app),
      '/join',
      joinFields({ website: 'http://spam.example' }),
    );
    expect(response.status).toBe(200);
    expect(response.text).toContain('Check your email');
    expect(await db().count(JoinRequest)).toBe(0);
    expect(await db().count(OutboxMessage)).toBe(0);
  });

  it('refuses a form sent faster than a person fills it, or with a forged or missing stamp, with a 400 page to act on', async () => {
    const agent = anonymousAgent(t.app);
    const quick = await sendForm(agent, '/join', joinFields(), stampedAgo(500));
    expect(quick.status).toBe(400);
    expect(quick.text).toContain('faster than a person can fill the form');
    expect(quick.text).toContain('value="Nia Newcomer"'); // what they typed is kept
    const forged = await sendForm(agent, '/join', joinFields(), `${Date.now() - 60_000}.forged`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('could not be checked');
    const stale = await sendForm(agent, '/join', joinFields(), stampedAgo(2 * 24 * 3_600_000));
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('open for more than a day');
    expect(await db().count(JoinRequest)).toBe(0);
  });

  it('refuses bad input with messages next to the fields, never a 500', async () => {
    const response = await sendForm(
      anonymousAgent(t.app),
      '/join',
      joinFields({ email: 'not-an-email', state: 'ZZ', intent: 'rule' }),
    );
    expect(response.status).toBe(400);
    expect(response.text).toContain('Enter an email address like name@example.org.');
    expect(response.text).toContain('Choose a state from the list.');
    const neither = await sendForm(anonymousAgent(t.app), '/join', joinFields({ state: '', country: '' }));
    expect(neither.status).toBe(400);
    expect(neither.text).toContain('outside the United States');
    expect(await db().count(JoinRequest)).toBe(0);
  });

  it('allows 3 requests per email address a day even under a concurrent burst: the rest get 429 and store nothing', async () => {
    const agents = Array.from({ length: 8 }, () => anonymousAgent(t.app));
    const responses = await Promise.all(agents.map((agent) => sendForm(agent, '/join', joinFields())));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = responses.find((r) => r.status === 429)!;
    expect(refused.text).toContain('several requests from this email address');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await db().countBy(JoinRequest, { email: 'nia@example.org' })).toBe(3);
    expect(await db().countBy(OutboxMessage, { toAddress: 'nia@example.org' })).toBe(3);
  });

  it('allows 20 requests per network address an hour under concurrent bursts of different addresses', async () => {
    // Bursts of 8: the public page limit answers at most 8 requests of one address at once.
    const responses = [];
    for (let batch = 0; batch < 3; batch += 1)
      responses.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            sendForm(anonymousAgent(t.app), '/join', joinFields({ email: `burst${batch}-${i}@example.org` })),
          ),
        )),
      );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(4);
    expect(refused[0].text).toContain('sent from your network');
    expect(await db().count(JoinRequest)).toBe(20);
  });

  it('routes a confirmed request to the chapter of the same state, tells its admins and the person what happens next', async () => {
    const boston = await createChapter(db(), { name: 'Code for Boston', stateCode: 'MA' });
    await createChapter(db(), { name: 'Open Oakland', stateCode: 'CA' });
    const scoped = await createUser(db(), { role: 'admin', scopeChapterId: boston.id, chapterId: boston.id });
    const academy = await createUser(db(), { role: 'admin' });
    await sendForm(anonymousAgent(t.app), '/join', joinFields());
    const token = await linkIn(t, 'nia@example.org', '/join/confirm');
    const page = await anonymousAgent(t.app).get(`/join/confirm/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(await db().countBy(JoinRequest, { confirmedAt: IsNull() })).toBe(1); // opening the link changes nothing

    const confirmed = await confirmLink(anonymousAgent(t.app), `/join/confirm/${token}`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('What happens next');
    expect(confirmed.text).toContain('Code for Boston');
    const row = await db().findOneByOrFail(JoinRequest, { email: 'nia@example.org' });
    expect(row.chapterId).toBe(boston.id);
    expect(row.confirmTokenHash).toBeNull();
    expect(await db().countBy(Notification, { userId: scoped.id, kind: 'requests' })).toBe(1);
    expect(await db().countBy(Notification, { userId: academy.id })).toBe(0);
    const mail = await db().findOneByOrFail(OutboxMessage, {
      toAddress: 'nia@example.org',
      subject: 'Your request to Organizer Academy is confirmed',
    });
    expect(mail.bodyText).toContain('Code for Boston');

    // The link is used up.
    expect((await anonymousAgent(t.app).get(`/join/confirm/${token}`)).status).toBe(410);
    expect((await postForm(anonymousAgent(t.app), `/join/confirm/${token}`)).status).toBe(410);
    const list = await (await signedInAgent(t.app, scoped.email)).get('/admin/requests');
    expect(list.text).toContain('Nia Newcomer');
  });

  it('routes to the chapter of the nearest state when its own state has none, and to academy admins where no chapter exists', async () => {
    const providence = await createChapter(db(), { name: 'Code for Providence', stateCode: 'RI' });
    await createChapter(db(), { name: 'Code for Miami', stateCode: 'FL' });
    const academy = await createUser(db(), { role: 'admin' });
    await sendForm(anonymousAgent(t.app), '/join', joinFields({ state: 'NH', email: 'nh@example.org' }));
    await confirmLink(
      anonymousAgent(t.app),
      `/join/confirm/${await linkIn(t, 'nh@example.org', '/join/confirm')}`,
    );
    expect((await db().findOneByOrFail(JoinRequest, { email: 'nh@example.org' })).chapterId).toBe(
      providence.id,
    );
    // The chapter has no admins of its own: the academy's admins hear of it.
    expect(await db().countBy(Notification, { userId: academy.id, kind: 'requests' })).toBe(1);

    await sendForm(
      anonymousAgent(t.app),
      '/join',
      joinFields({ state: '', country: 'KE', region: 'Nairobi', email: 'ke@example.org' }),
    );
    const confirmed = await confirmLink(
      anonymousAgent(t.app),
      `/join/confirm/${await linkIn(t, 'ke@example.org', '/join/confirm')}`,
    );
    expect(confirmed.text).toContain('there is no chapter near you yet');
    const kenya = await db().findOneByOrFail(JoinRequest, { email: 'ke@example.org' });
    expect(kenya).toMatchObject({ chapterId: null, countryCode: 'KE', region: 'Nairobi', stateCode: null });
    expect(await db().countBy(Notification, { userId: academy.id, kind: 'requests' })).toBe(2);
  });

  it('lets an admin invite in one click through the usual invitation; accepting records the member on the request', async () => {
    const chapter = await createChapter(db(), { stateCode: 'MA' });
    const admin = await createUser(db(), { role: 'admin', scopeChapterId: chapter.id });
    await sendForm(anonymousAgent(t.app), '/join', joinFields({ email: 'invitee@example.org' }));
    await confirmLink(
      anonymousAgent(t.app),
      `/join/confirm/${await linkIn(t, 'invitee@example.org', '/join/confirm')}`,
    );
    const request = await db().findOneByOrFail(JoinRequest, { email: 'invitee@example.org' });
    const adminAgent = await signedInAgent(t.app, admin.email);
    const invited = await postForm(adminAgent, `/admin/requests/${request.id}/invite`);
    expect(invited.status).toBe(303);
    const invite = await db().findOneByOrFail(Invite, { email: 'invitee@example.org' });
    expect(invite).toMatchObject({ chapterId: chapter.id, role: 'organizer' });
    expect((await db().findOneByOrFail(JoinRequest, { id: request.id })).inviteId).toBe(invite.id);
    expect(await db().countBy(AuditEvent, { action: 'join_request.invited', subjectId: request.id })).toBe(1);
    // A second click is refused, not a second invite.
    expect((await postForm(adminAgent, `/admin/requests/${request.id}/invite`)).status).toBe(409);

    const inviteToken = await linkIn(t, 'invitee@example.org', '/invites');
    const accepted = await postForm(anonymousAgent(t.app), `/invites/${inviteToken}`, {
      displayName: 'Nia Member',
      password: 'a long and unusual passphrase',
      passwordConfirm: 'a long and unusual passphrase',
    });
    expect(accepted.status).toBe(303);
    const member = await db().findOneByOrFail(JoinRequest, { id: request.id });
    expect(member.userId).not.toBeNull();
    expect((await adminAgent.get(`/admin/requests/${request.id}`)).text).toContain('member');
  });

  it('lets an admin reply by email and close; admins of other chapters cannot see or act on it', async () => {
    const chapter = await createChapter(db(), { stateCode: 'MA' });
    const other = await createChapter(db(), { stateCode: 'CA' });
    const admin = await createUser(db(), { role: 'admin', scopeChapterId: chapter.id, displayName: 'Ada' });
    const outsider = await createUser(db(), { role: 'admin', scopeChapterId: other.id });
    await sendForm(anonymousAgent(t.app), '/join', joinFields({ email: 'reply@example.org' }));
    await confirmLink(
      anonymousAgent(t.app),
      `/join/confirm/${await linkIn(t, 'reply@example.org', '/join/confirm')}`,
    );
    const request = await db().findOneByOrFail(JoinRequest, { email: 'reply@example.org' });

    const outsiderAgent = await signedInAgent(t.app, outsider.email);
    expect((await outsiderAgent.get(`/admin/requests/${request.id}`)).status).toBe(404);
    expect((await postForm(outsiderAgent, `/admin/requests/${request.id}/close`)).status).toBe(404);
    expect((await outsiderAgent.get('/admin/requests')).text).not.toContain('Nia Newcomer');

    const agent = await signedInAgent(t.app, admin.email);
    const empty = await postForm(agent, `/admin/requests/${request.id}/reply`, { message: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter your reply.');
    expect(
      (await postForm(agent, `/admin/requests/${request.id}/reply`, { message: 'Come on Tuesday!' })).status,
    ).toBe(303);
    const reply = await db().findOneByOrFail(OutboxMessage, {
      toAddress: 'reply@example.org',
      subject: 'Ada answered your request to Organizer Academy',
    });
    expect(reply.bodyText).toContain('Come on Tuesday!');
    expect((await postForm(agent, `/admin/requests/${request.id}/close`)).status).toBe(303);
    const row = await db().findOneByOrFail(JoinRequest, { id: request.id });
    expect(row.repliedAt).not.toBeNull();
    expect(row.closedAt).not.toBeNull();
    expect(await db().countBy(AuditEvent, { subjectId: request.id, action: 'join_request.closed' })).toBe(1);
  });

  it('refuses an expired confirmation link with a page that says what to do', async () => {
    await sendForm(anonymousAgent(t.app), '/join', joinFields());
    const token = await linkIn(t, 'nia@example.org', '/join/confirm');
    await db().update(
      JoinRequest,
      { email: 'nia@example.org' },
      { confirmExpiresAt: new Date(Date.now() - 1000) },
    );
    const page = await anonymousAgent(t.app).get(`/join/confirm/${token}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('please send the form again');
    expect(await db().countBy(JoinRequest, { confirmedAt: IsNull() })).toBe(1);
  });
});

describe('the public pages of the open doors', () => {
  it('get the public per-address rate limit', async () => {
    const t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '4' } });
    try {
      const agent = anonymousAgent(t.app);
      const paths = ['/join', '/partners/request', `/partners/status/${'x'.repeat(43)}`, '/join'];
      for (const path of paths) expect((await agent.get(path)).status).not.toBe(429);
      const refused = await agent.get('/partners/request');
      expect(refused.status).toBe(429);
      expect(refused.text).toContain('Too many requests from your address');
    } finally {
      await t.close();
    }
  });
});
