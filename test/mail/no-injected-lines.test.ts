import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { mailText, oneLine } from '../../src/mail/outbox';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';

describe('emails never carry line breaks someone typed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('puts every interpolated value on one line, keeping the template’s own lines', () => {
    expect(oneLine('Eve\r\nBcc: x@example.org\u2028y')).toBe('Eve Bcc: x@example.org y');
    const name = 'Eve\n\nClick http://evil.example';
    expect(mailText`Hello ${name},\n\nWelcome.`).toBe('Hello Eve Click http://evil.example,\n\nWelcome.');
  });

  it('an inviter whose stored name holds line breaks cannot add headers or lines to the invite', async () => {
    // Names can no longer be saved with line breaks; this one predates the rule.
    const admin = await createUser(t.dataSource.manager, {
      role: 'admin',
      displayName: 'Eve\r\nBcc: victim@example.org\r\n\r\nFake body',
    });
    const agent = await signedInAgent(t.app, admin.email);
    const response = await postForm(agent, '/admin/invites', {
      email: 'newcomer@example.org',
      role: 'organizer',
    });
    expect(response.status).toBe(303);
    const mail = await t.dataSource.manager.findOneByOrFail(OutboxMessage, {
      toAddress: 'newcomer@example.org',
    });
    expect(mail.subject).toBe('Eve Bcc: victim@example.org Fake body invited you to Organizer Academy');
    expect(mail.bodyText).not.toMatch(/\r/);
    expect(mail.bodyText.split('\n').some((line) => line.startsWith('Bcc:') || line === 'Fake body')).toBe(
      false,
    );
  });
});
