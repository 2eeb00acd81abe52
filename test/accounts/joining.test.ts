import { User } from '../../src/accounts/user.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';

const PASSWORD = 'a long and unusual passphrase 77';

describe('joining', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());
  const db = () => t.dataSource.manager;

  it('tells visitors of a fresh instance that setup waits and where the link is printed, until an admin exists', async () => {
    const fresh = await anonymousAgent(t.app).get('/');
    expect(fresh.status).toBe(200);
    expect(fresh.text).toContain('Setup is waiting');
    expect(fresh.text).toContain('Create the first admin here');
    await createUser(db(), { role: 'admin' });
    expect((await anonymousAgent(t.app).get('/')).text).not.toContain('Setup is waiting');
  });

  it.each([
    ['organizer', '/me'],
    ['coach', '/coach'],
    ['admin', '/admin'],
  ] as const)(
    'an invited %s is greeted with correct grammar, recorded as signed in and lands on %s',
    async (role, landing) => {
      const admin = await createUser(db(), { role: 'admin' });
      const adminAgent = await signedInAgent(t.app, admin.email);
      const email = `new-${role}@example.org`;
      const created = await postForm(adminAgent, '/admin/invites', { email, role, chapterId: '' });
      expect(created.status).toBe(303);
      expect((await adminAgent.get('/admin/invites')).text).toContain(
        `Invite created for ${email}: no mail server is set up, so copy the link from the Outbox.`,
      );
      const mail = await db().findOneByOrFail(OutboxMessage, { toAddress: email });
      expect(mail.bodyText).toContain(`as ${role === 'coach' ? 'a' : 'an'} ${role}.`);
      const token = /\/invites\/([A-Za-z0-9_-]{43})/.exec(mail.bodyText)![1];

      const invitee = anonymousAgent(t.app);
      expect((await invitee.get(`/invites/${token}`)).text).toContain(
        `invited as ${role === 'coach' ? 'a' : 'an'} <strong>${role}</strong>`,
      );
      const accepted = await postForm(invitee, `/invites/${token}`, {
        displayName: 'New Person',
        password: PASSWORD,
      });
      expect(accepted.status).toBe(303);
      expect(accepted.headers.location).toBe(landing);
      const user = await db().findOneByOrFail(User, { email });
      expect(user.lastLoginAt).toBeInstanceOf(Date);
      const landed = await invitee.get(landing);
      expect([200, 303]).toContain(landed.status);
    },
  );
});
