import type { User } from '../../src/accounts/user.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { OutboxWorker, type MailTransport } from '../../src/mail/outbox-worker';
import { DIGEST_PERIOD_MS, DigestSender } from '../../src/notifications/digest';
import { Notification, NotificationPreference } from '../../src/notifications/notification.entities';
import { NotificationsService, PAGE_SIZE } from '../../src/notifications/notifications.service';
import pino from 'pino';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { NOTIFICATION_KINDS } from '../../src/notifications/kinds';

const MILESTONE = 'people-first-listening-tour';

describe('notifications', () => {
  let t: TestApp;
  let admin: User;
  let organizer: User;
  let coach: User;
  let adminAgent: Agent;
  let organizerAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(db(), { role: 'admin' });
    organizer = await createUser(db(), { displayName: 'Oscar Organizer' });
    coach = await createUser(db(), { role: 'coach', displayName: 'Carla Coach' });
    adminAgent = await signedInAgent(t.app, admin.email);
    organizerAgent = await signedInAgent(t.app, organizer.email);
  });
  afterEach(() => t.close());

  const assign = () => postForm(adminAgent, `/admin/people/${organizer.id}/coach`, { coachId: coach.id });
  const setAll = (agent: Agent, delivery: string) =>
    postForm(
      agent,
      '/account/notifications',
      Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, delivery])),
    );

  it('keeps a notification for each event that sends email, counts unread ones in the header and emails by default', async () => {
    expect((await assign()).status).toBe(303);
    const mine = await db().findBy(Notification, { userId: organizer.id });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      kind: 'coaching',
      title: 'Carla Coach is your coach',
      link: '/me',
      readAt: null,
    });
    const mail = await db().findOneByOrFail(OutboxMessage, { toAddress: organizer.email });
    expect(mail.bodyText).toContain(`${TEST_ENV.BASE_URL}/account/notifications`);

    const coachAgent = await signedInAgent(t.app, coach.email);
    expect(
      (await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, { body: 'Six talks.', links: '' }))
        .status,
    ).toBe(303);
    const page = await coachAgent.get('/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Oscar Organizer submitted evidence');
    expect(page.text).toContain('aria-label="Notifications, 2 unread"');
  });

  it('marks one or all read, only for their owner', async () => {
    await assign();
    const [note] = await db().findBy(Notification, { userId: organizer.id });
    const coachAgent = await signedInAgent(t.app, coach.email);
    expect((await postForm(coachAgent, `/notifications/${note.id}/read`)).status).toBe(404);
    expect((await db().findOneByOrFail(Notification, { id: note.id })).readAt).toBeNull();
    expect((await postForm(organizerAgent, `/notifications/${note.id}/read`)).status).toBe(303);
    expect((await db().findOneByOrFail(Notification, { id: note.id })).readAt).not.toBeNull();
    expect((await organizerAgent.get('/notifications')).text).not.toContain('unread');

    expect((await postForm(coachAgent, '/notifications/read-all')).status).toBe(303);
    const unread = await db().query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM notifications WHERE read_at IS NULL',
    );
    expect(unread[0].n).toBe(0);
    expect((await postForm(organizerAgent, '/notifications/not-a-uuid/read')).status).toBe(404);
  });

  it('pages the list by keyset, newest first', async () => {
    const rows = Array.from({ length: PAGE_SIZE + 3 }, (_, i) => ({
      userId: organizer.id,
      kind: 'workshops' as const,
      title: `Notice number ${i}.`,
      body: 'Something changed.',
      link: '/workshops',
      createdAt: new Date(Date.now() - (PAGE_SIZE + 3 - i) * 60_000),
    }));
    await db().insert(Notification, rows);
    const first = await organizerAgent.get('/notifications');
    expect(first.text).toContain(`Notice number ${PAGE_SIZE + 2}.`);
    expect(first.text).not.toContain('Notice number 2.');
    const older = /href="\/notifications\?before=([0-9a-f-]+)"/.exec(first.text)![1];
    const second = await organizerAgent.get(`/notifications?before=${older}`);
    expect(second.text).toContain('Notice number 0.');
    expect(second.text).toContain('Notice number 2.');
    expect(second.text).not.toContain('Notice number 3.');
  });

  it('sends no email for kinds set to "in the app only", and refuses unknown choices', async () => {
    expect((await postForm(organizerAgent, '/account/notifications', { coaching: 'pigeon' })).status).toBe(
      400,
    );
    expect((await setAll(organizerAgent, 'app')).status).toBe(303);
    expect(await db().countBy(NotificationPreference, { userId: organizer.id, delivery: 'app' })).toBe(
      NOTIFICATION_KINDS.length,
    );
    await assign();
    expect(await db().countBy(Notification, { userId: organizer.id })).toBe(1);
    expect(await db().countBy(OutboxMessage, { toAddress: organizer.email })).toBe(0);
    expect(await db().countBy(OutboxMessage, { toAddress: coach.email })).toBe(1);
    expect((await organizerAgent.get('/account/notifications')).text).toMatch(
      /<option value="app" selected>In the app only<\/option>/,
    );
  });

  it('collects digest kinds into one weekly email with one-click unsubscribe headers that work without sign-in', async () => {
    await setAll(organizerAgent, 'digest');
    await assign();
    expect(await db().countBy(OutboxMessage, { toAddress: organizer.email })).toBe(0);
    const notifications = new NotificationsService(t.config.sessionSecret);
    const digests = new DigestSender(notifications, t.config.baseUrl);
    expect(await t.dataSource.transaction((m) => digests.sendDue(m))).toBe(0);

    const weekLater = new Date(Date.now() + DIGEST_PERIOD_MS + 1000);
    expect(await t.dataSource.transaction((m) => digests.sendDue(m, weekLater))).toBe(1);
    expect(await t.dataSource.transaction((m) => digests.sendDue(m, weekLater))).toBe(0);
    const digest = await db().findOneByOrFail(OutboxMessage, { toAddress: organizer.email });
    expect(digest.subject).toBe('Your week in Organizer Academy: 1 notice');
    expect(digest.bodyText).toContain('Carla Coach is your coach');
    const url = /^<(.+)>$/.exec(digest.headers['List-Unsubscribe'])![1];
    expect(digest.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(await db().findOneByOrFail(Notification, { userId: organizer.id })).toMatchObject({
      digest: 'sent',
    });

    // The worker hands the headers to the mail transport.
    const sent: Parameters<MailTransport['sendMail']>[0][] = [];
    const worker = new OutboxWorker(
      t.dataSource,
      { sendMail: (m) => Promise.resolve(sent.push(m)) },
      'academy@example.org',
      pino({ level: 'silent' }),
    );
    await worker.deliverDue();
    expect(sent.find((m) => m.to === organizer.email)?.headers).toEqual(digest.headers);

    const path = new URL(url).pathname;
    const forged = path.slice(0, -3) + 'abc';
    expect(
      (await anonymousAgent(t.app).post(forged).type('form').send('List-Unsubscribe=One-Click')).status,
    ).toBe(404);
    expect((await anonymousAgent(t.app).get(path)).text).toContain('Stop digest emails');
    const oneClick = await anonymousAgent(t.app).post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(await db().countBy(NotificationPreference, { userId: organizer.id, delivery: 'digest' })).toBe(0);
    expect(await db().countBy(NotificationPreference, { userId: organizer.id, delivery: 'app' })).toBe(
      NOTIFICATION_KINDS.length,
    );
  });

  it('"Mark all read" clears "Feedback waiting for you" and the feedback notifications', async () => {
    await assign();
    const coachAgent = await signedInAgent(t.app, coach.email);
    await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, { body: 'Six talks.', links: '' });
    const submission = await db().query<{ id: string }[]>('SELECT id FROM evidence_submissions');
    const reviewPage = await coachAgent.get(`/coach/submissions/${submission[0].id}`);
    const revision = /name="revision" value="(\d+)"/.exec(reviewPage.text)?.[1] ?? '1';
    expect(
      (
        await postForm(coachAgent, `/coach/submissions/${submission[0].id}/review`, {
          decision: 'changes_requested',
          feedback: 'Add names.',
          revision,
        })
      ).status,
    ).toBe(303);
    const me = await organizerAgent.get('/me');
    expect(me.text).toContain('Feedback waiting for you');
    expect(me.text).toContain('action="/me/feedback/read"');
    expect((await postForm(organizerAgent, '/me/feedback/read')).status).toBe(303);
    expect((await organizerAgent.get('/me')).text).not.toContain('Feedback waiting for you');
    expect(await db().countBy(Notification, { userId: organizer.id, kind: 'feedback' })).toBe(1);
    const unreadFeedback = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND kind = 'feedback' AND read_at IS NULL`,
      [organizer.id],
    );
    expect(unreadFeedback[0].n).toBe(0);
  });
});
