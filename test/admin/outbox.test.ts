import type { User } from '../../src/accounts/user.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';

describe('admin: outbox', () => {
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

  it('lists queued messages for admins with subject, recipient and body, including the invite link', async () => {
    expect(
      (await postForm(adminAgent, '/admin/invites', { email: 'casey@example.org', role: 'coach' })).status,
    ).toBe(303);
    const [message] = await db().find(OutboxMessage);
    expect(message).toMatchObject({ toAddress: 'casey@example.org', status: 'queued' });
    const link = new RegExp(`${TEST_ENV.BASE_URL.replace(/[.]/g, '\\.')}/invites/[A-Za-z0-9_-]{43}`).exec(
      message.bodyText,
    )?.[0];
    expect(link).toBeDefined();

    const page = await adminAgent.get('/admin/outbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2>Ada Admin invited you to Organizer Academy</h2>');
    expect(page.text).toContain('To casey@example.org');
    expect(page.text).toContain('queued');
    expect(page.text).toContain(link);
    expect(page.text).toContain('No mail server is configured');
  });

  it('lists the newest message first and escapes what it shows', async () => {
    await db().insert(OutboxMessage, {
      toAddress: 'first@example.org',
      subject: 'Older message',
      bodyText: 'older',
      createdAt: new Date(Date.now() - 60_000),
    });
    await db().insert(OutboxMessage, {
      toAddress: 'second@example.org',
      subject: 'Newer <b>message</b>',
      bodyText: '<script>alert(1)</script>',
    });
    const page = await adminAgent.get('/admin/outbox');
    expect(page.status).toBe(200);
    expect(page.text.indexOf('Newer &lt;b&gt;message&lt;/b&gt;')).toBeGreaterThan(-1);
    expect(page.text.indexOf('Newer &lt;b&gt;')).toBeLessThan(page.text.indexOf('Older message'));
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(1)</script>');
  });

  it('says so when there are no messages', async () => {
    const page = await adminAgent.get('/admin/outbox');
    expect(page.status).toBe(200);
    expect(page.text).toContain('No messages yet.');
  });

  it.each(['organizer', 'coach'] as const)(
    'answers 403 to a signed-in %s and shows no message',
    async (role) => {
      await db().insert(OutboxMessage, {
        toAddress: 'secret@example.org',
        subject: 'Private subject',
        bodyText: `${TEST_ENV.BASE_URL}/invites/secret-token`,
      });
      const agent = await signedInAgent(t.app, (await createUser(db(), { role })).email);
      const page = await agent.get('/admin/outbox');
      expect(page.status).toBe(403);
      expect(page.text).not.toContain('Private subject');
      expect(page.text).not.toContain('secret-token');
    },
  );

  it('sends anonymous visitors to sign in', async () => {
    const page = await anonymousAgent(t.app).get('/admin/outbox');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fadmin%2Foutbox');
  });
});
