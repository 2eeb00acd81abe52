import { AuditEvent } from '../../src/audit/audit-event.entity';
import type { User } from '../../src/accounts/user.entity';
import { Introduction, PartnerRequest } from '../../src/doors/door.entities';
import { EXPORTS } from '../../src/admin/exports.service';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Notification, NotificationPreference } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { confirmLink, linkIn, partnerFields, sendForm } from './helpers';

const PARTNER_EMAIL = 'pat@somerville.example';

describe('introductions (double opt-in)', () => {
  let t: TestApp;
  let admin: Agent;
  let academyAdmin: Agent;
  let person: User;
  let personAgent: Agent;
  let request: PartnerRequest;
  let statusPath: string;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
    const chapter = await createChapter(db(), { stateCode: 'MA' });
    admin = await signedInAgent(
      t.app,
      (await createUser(db(), { role: 'admin', scopeChapterId: chapter.id })).email,
    );
    academyAdmin = await signedInAgent(t.app, (await createUser(db(), { role: 'admin' })).email);
    person = await createUser(db(), {
      chapterId: chapter.id,
      displayName: 'Olu Organizer',
      email: 'olu@example.org',
    });
    personAgent = await signedInAgent(t.app, person.email);
    await sendForm(anonymousAgent(t.app), '/partners/request', partnerFields());
    const confirmed = await confirmLink(
      anonymousAgent(t.app),
      `/partners/confirm/${await linkIn(t, PARTNER_EMAIL, '/partners/confirm')}`,
    );
    statusPath = String(confirmed.headers.location);
    request = await db().findOneByOrFail(PartnerRequest, { contactEmail: PARTNER_EMAIL });
  });
  afterEach(() => t.close());

  const introduce = (userId = person.id) =>
    postForm(admin, `/admin/partner-requests/${request.id}/introductions`, {
      userId,
      message: 'You two should talk.',
    });

  /** Everything either side can read: their pages, every email to them, and every CSV export. */
  async function whatEachSideSees(partnerLink: string, personLink: string) {
    const partner = [
      (await anonymousAgent(t.app).get(`/introductions/${partnerLink}`)).text,
      (await anonymousAgent(t.app).get(statusPath)).text,
      ...(await db().findBy(OutboxMessage, { toAddress: PARTNER_EMAIL })).map((m) => m.subject + m.bodyText),
    ].join('\n');
    const personSide = [
      (await anonymousAgent(t.app).get(`/introductions/${personLink}`)).text,
      (await personAgent.get('/me/introductions')).text,
      (await personAgent.get('/notifications')).text,
      ...(await db().findBy(OutboxMessage, { toAddress: person.email })).map((m) => m.subject + m.bodyText),
      ...(await db().findBy(Notification, { userId: person.id })).map((n) => n.title + n.body + n.link),
    ].join('\n');
    const exports = [];
    for (const name of EXPORTS) exports.push((await academyAdmin.get(`/admin/exports/${name}.csv`)).text);
    exports.push((await academyAdmin.get('/admin/audit.csv')).text);
    return { partner, person: personSide, exports: exports.join('\n') };
  }

  it('shares no contact detail until both accept, then emails each the other address', async () => {
    expect((await introduce()).status).toBe(303);
    const partnerLink = await linkIn(t, PARTNER_EMAIL, '/introductions');
    const personLink = await linkIn(t, person.email, '/introductions');
    expect(await db().countBy(Notification, { userId: person.id, kind: 'introductions' })).toBe(1);
    const intro = await db().findOneByOrFail(Introduction, { requestId: request.id });
    expect(intro.partnerTokenHash).toHaveLength(64);
    expect(intro.partnerTokenHash).not.toBe(partnerLink);

    let seen = await whatEachSideSees(partnerLink, personLink);
    expect(seen.partner).toContain('Olu Organizer');
    expect(seen.partner).not.toContain(person.email);
    expect(seen.person).toContain('City of Somerville');
    expect(seen.person).not.toContain(PARTNER_EMAIL);
    expect(seen.exports).not.toContain(PARTNER_EMAIL);

    // The partner says yes: still nothing shared.
    const partnerYes = await postForm(anonymousAgent(t.app), `/introductions/${partnerLink}`, {
      answer: 'accept',
    });
    expect(partnerYes.status).toBe(200);
    expect(partnerYes.text).toContain('You said yes');
    seen = await whatEachSideSees(partnerLink, personLink);
    expect(seen.partner).not.toContain(person.email);
    expect(seen.person).not.toContain(PARTNER_EMAIL);
    expect(seen.exports).not.toContain(PARTNER_EMAIL);

    // The person says yes (signed in, from their list): now both get the other's address.
    expect((await postForm(personAgent, `/me/introductions/${intro.id}`, { answer: 'accept' })).status).toBe(
      303,
    );
    seen = await whatEachSideSees(partnerLink, personLink);
    expect(seen.partner).toContain(person.email);
    expect(seen.person).toContain(PARTNER_EMAIL);
    expect(await db().findOneByOrFail(Introduction, { id: intro.id })).toMatchObject({
      partnerAnswer: 'accepted',
      personAnswer: 'accepted',
    });
    const actions = (await db().findBy(AuditEvent, { subjectId: intro.id })).map((a) => a.action).sort();
    expect(actions).toEqual(['introduction.accepted', 'introduction.accepted', 'introduction.made']);
    // Answering twice is refused.
    expect(
      (await postForm(anonymousAgent(t.app), `/introductions/${partnerLink}`, { answer: 'decline' })).status,
    ).toBe(409);
  });

  it('ends at a decline: nothing shared, the other side told, further answers refused', async () => {
    await introduce();
    const partnerLink = await linkIn(t, PARTNER_EMAIL, '/introductions');
    const personLink = await linkIn(t, person.email, '/introductions');
    const no = await postForm(anonymousAgent(t.app), `/introductions/${personLink}`, { answer: 'decline' });
    expect(no.status).toBe(200);
    expect(no.text).toContain('will not go ahead');
    expect(
      (await postForm(anonymousAgent(t.app), `/introductions/${partnerLink}`, { answer: 'accept' })).status,
    ).toBe(409);
    const seen = await whatEachSideSees(partnerLink, personLink);
    expect(seen.partner).not.toContain(person.email);
    expect(seen.partner).toContain('will not go ahead');
    expect(seen.person).not.toContain(PARTNER_EMAIL);
    expect(await db().countBy(AuditEvent, { action: 'introduction.declined' })).toBe(1);
  });

  it('introduces only active members of the request chapter, once each; others cannot answer for the person', async () => {
    const stranger = await createUser(db(), { displayName: 'Not A Member' });
    const wrong = await introduce(stranger.id);
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Choose a member of the chapter');
    expect((await introduce()).status).toBe(303);
    expect((await introduce()).status).toBe(409);
    expect(await db().countBy(Introduction, { requestId: request.id })).toBe(1);
    const intro = await db().findOneByOrFail(Introduction, { requestId: request.id });
    const strangerAgent = await signedInAgent(t.app, stranger.email);
    expect(
      (await postForm(strangerAgent, `/me/introductions/${intro.id}`, { answer: 'accept' })).status,
    ).toBe(404);
    expect((await anonymousAgent(t.app).get(`/introductions/${'B'.repeat(43)}`)).status).toBe(410);
  });

  it('still emails the answer link to a person who chose in-app notifications only', async () => {
    await db().insert(NotificationPreference, { userId: person.id, kind: 'introductions', delivery: 'app' });
    await introduce();
    expect(await linkIn(t, person.email, '/introductions')).toHaveLength(43);
    expect(await db().countBy(OutboxMessage, { toAddress: person.email })).toBe(1);
    expect(await db().countBy(Notification, { userId: person.id, kind: 'introductions' })).toBe(1);
  });

  it('sends one email (not two) to a person who gets these notifications by email', async () => {
    await introduce();
    expect(await db().countBy(OutboxMessage, { toAddress: person.email })).toBe(1);
  });
});
