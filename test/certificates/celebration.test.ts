import { Certificate } from '../../src/certificates/certificate.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';
import { certificateKit } from './kit';

describe('earning a certificate', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());
  const db = () => t.dataSource.manager;

  it('tells the holder (notification and email with the share link) and congratulates once on "Your progress"', async () => {
    const kit = certificateKit(t);
    const holder = await createUser(db(), { displayName: 'Oscar Organizer' });
    const certificate = await kit.certify(holder.id);
    const shareLink = `${TEST_ENV.BASE_URL}/c/${certificate.code}`;

    const notice = await db().findOneByOrFail(Notification, { userId: holder.id, kind: 'certificates' });
    expect(notice.title).toBe(`You earned it: ${kit.track.certificateName}`);
    expect(notice.body).toContain(shareLink);
    const mail = await db().findOneByOrFail(OutboxMessage, { toAddress: holder.email });
    expect(mail.bodyText).toContain(shareLink);

    const agent = await signedInAgent(t.app, holder.email);
    const first = await agent.get('/me');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Congratulations: you earned “${kit.track.certificateName}”`);
    expect(first.text).toContain(`href="${shareLink}"`);
    expect(first.text).toContain('https://www.linkedin.com/profile/add?');
    expect(first.text).toContain(`href="/c/${certificate.code}/certificate.pdf"`);
    expect(first.text).toContain('src="/static/badge.svg"');
    expect((await db().findOneByOrFail(Certificate, { id: certificate.id })).celebratedAt).not.toBeNull();
    const later = await agent.get('/me');
    expect(later.text).not.toContain('Congratulations');
    // The finished track's card still says where the certificate is.
    expect(later.text).toContain(
      'Every milestone is done. See <a href="/me/certificates">your certificates</a>.',
    );
  });

  it('does not congratulate again after a re-issue', async () => {
    const kit = certificateKit(t);
    const holder = await createUser(db());
    const admin = await createUser(db(), { role: 'admin' });
    const certificate = await kit.certify(holder.id);
    const agent = await signedInAgent(t.app, holder.email);
    expect((await agent.get('/me')).text).toContain('Congratulations');
    const adminAgent = await signedInAgent(t.app, admin.email);
    expect((await postForm(adminAgent, `/admin/certificates/${certificate.id}/reissue`)).status).toBe(303);
    expect(await db().countBy(Certificate, { userId: holder.id })).toBe(2);
    expect((await agent.get('/me')).text).not.toContain('Congratulations');
    expect(await db().countBy(Notification, { userId: holder.id, kind: 'certificates' })).toBe(1);
  });
});
