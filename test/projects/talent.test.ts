import crypto from 'node:crypto';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { CONTACT_PER_ADDRESS, CONTACT_PER_RECIPIENT } from '../../src/projects';
import { listedTalentOfChapter } from '../../src/projects';
import { CONTACT_FORM_PURPOSE } from '../../src/projects/contact.service';
import { FormGuard } from '../../src/web/form-guard';

const signStamp = (secret: string, ms: number) => new FormGuard(secret, CONTACT_FORM_PURPOSE).sign(ms);
import { TalentListing } from '../../src/projects/talent.entities';
import { certificateKit } from '../certificates/kit';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, csrfFrom, csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';

const PARTNER = {
  name: 'Pat Partner',
  organisation: 'City of Somerville',
  email: 'pat.partner@city.example',
  message: 'We are looking for someone to help us run resident listening sessions this spring.',
};

/** A stamp from long enough ago, signed like the app signs it. */
const oldStamp = () => signStamp(TEST_ENV.SESSION_SECRET, Date.now() - 10_000);

describe('talent listing', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  beforeAll(async () => {
    // Each test writes from its own address (X-Forwarded-For through one trusted proxy hop).
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
    kit = certificateKit(t);
  });
  afterAll(() => t.close());
  const db = () => t.dataSource.manager;
  /** Partners' messages queued for `address` (certificate emails and the like left out). */
  const outboxTo = async (address: string) =>
    (await db().findBy(OutboxMessage, { toAddress: address })).filter((m) => m.headers['Reply-To']);

  async function listedOrganizer(chapterId: string | null = null) {
    const person = await createUser(db(), { chapterId });
    const certificate = await kit.certify(person.id);
    const agent = await signedInAgent(t.app, person.email);
    const response = await postForm(agent, '/account/listing', {
      skills: 'Facilitation, civic data',
      note: 'Happy to help.',
    });
    expect(response.status).toBe(303);
    return { person, certificate, agent };
  }

  /** Submits the contact form as a browser at `ip` would: the page's own token and stamp unless given. */
  async function contact(agent: Agent, personId: string, ip: string, fields: Record<string, string> = {}) {
    const page = await agent.get(`/people/listed/${personId}/contact`).set('X-Forwarded-For', ip);
    // Once the person left the listing the form is gone (404): a token from any page will do.
    const csrf = page.status === 200 ? csrfFrom(page.text) : await csrfToken(agent);
    return agent
      .post(`/people/listed/${personId}/contact`)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ ...PARTNER, started: oldStamp(), ...fields, _csrf: csrf });
  }

  // A new address for every call: the per-address limit lives in the database for an hour, so two
  // tests (or runs) drawing the same random address would share it.
  let lastAddress = crypto.randomInt(0, 200) * 300;
  const ip = () => {
    lastAddress += 1;
    return `10.${(lastAddress >> 16) & 255}.${(lastAddress >> 8) & 255}.${lastAddress & 255}`;
  };

  it('only holders of a current certificate can opt in', async () => {
    const person = await createUser(db());
    const agent = await signedInAgent(t.app, person.email);
    const page = await agent.get('/account/listing');
    expect(page.text).toContain('once you hold a current certificate');
    const response = await postForm(agent, '/account/listing', { skills: 'x', note: '' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Only organizers holding a current certificate can be listed');
    expect(await db().countBy(TalentListing, { userId: person.id })).toBe(0);
  });

  it('a listed organizer appears with name, chapter, skills and certificate link, never an address', async () => {
    const chapter = await createChapter(db());
    const { person, certificate } = await listedOrganizer(chapter.id);
    expect(await db().countBy(AuditEvent, { action: 'talent.listed', subjectId: person.id })).toBe(1);
    const page = await anonymousAgent(t.app).get('/people/listed');
    expect(page.status).toBe(200);
    expect(page.text).toContain(person.displayName);
    expect(page.text).toContain(`/c/${certificate.code}`);
    expect(page.text).toContain('Facilitation, civic data');
    expect(page.text).not.toContain(person.email);
    const form = await anonymousAgent(t.app).get(`/people/listed/${person.id}/contact`);
    expect(form.status).toBe(200);
    expect(form.text).not.toContain(person.email);
    const exported = await listedTalentOfChapter(db(), chapter.id);
    expect(exported.map((p) => p.id)).toEqual([person.id]);
    expect(JSON.stringify(exported)).not.toContain(person.email);
  });

  it('opting out removes the organizer from the listing and the contact form at once', async () => {
    const { person, agent } = await listedOrganizer();
    expect((await postForm(agent, '/account/listing/remove')).status).toBe(303);
    expect(await db().countBy(TalentListing, { userId: person.id })).toBe(0);
    expect((await anonymousAgent(t.app).get('/people/listed')).text).not.toContain(person.displayName);
    expect((await anonymousAgent(t.app).get(`/people/listed/${person.id}/contact`)).status).toBe(404);
    const sent = await contact(anonymousAgent(t.app), person.id, ip());
    expect(sent.status).toBe(404);
    expect(await outboxTo(person.email)).toHaveLength(0);
    expect(await db().countBy(AuditEvent, { action: 'talent.unlisted', subjectId: person.id })).toBe(1);
  });

  it('a revoked certificate removes the organizer from the listing and the contact form', async () => {
    const { person, certificate } = await listedOrganizer();
    await db().update(Certificate, certificate.id, { revokedAt: new Date(), revokedReason: 'Test' });
    expect((await anonymousAgent(t.app).get('/people/listed')).text).not.toContain(person.displayName);
    expect((await anonymousAgent(t.app).get(`/people/listed/${person.id}/contact`)).status).toBe(404);
    expect((await contact(anonymousAgent(t.app), person.id, ip())).status).toBe(404);
    expect(await outboxTo(person.email)).toHaveLength(0);
  });

  it('sends the message to the organizer with the partner as Reply-To; nothing goes to the partner', async () => {
    const { person } = await listedOrganizer();
    const partner = anonymousAgent(t.app);
    const response = await contact(partner, person.id, ip());
    expect(response.status).toBe(200);
    expect(response.text).toContain('Message sent');
    expect(response.text).not.toContain(person.email);
    const [mail] = await outboxTo(person.email);
    expect(mail.headers).toEqual({ 'Reply-To': PARTNER.email });
    expect(mail.subject).toContain('Pat Partner');
    expect(mail.bodyText).toContain('> We are looking for someone');
    expect(mail.bodyText).not.toContain(person.email);
    expect(await outboxTo(PARTNER.email)).toHaveLength(0);
    const leaks = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox WHERE to_address <> $1 AND (body_text LIKE $2 OR subject LIKE $2)`,
      [person.email, `%${person.email}%`],
    );
    expect(leaks).toHaveLength(0);
  });

  it('a filled honeypot is thanked but nothing is sent; a form sent too fast or with a forged stamp is refused', async () => {
    const { person } = await listedOrganizer();
    const bot = await contact(anonymousAgent(t.app), person.id, ip(), { website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    expect(bot.text).toContain('Message sent');
    const fast = await contact(anonymousAgent(t.app), person.id, ip(), {
      started: signStamp(TEST_ENV.SESSION_SECRET, Date.now()),
    });
    expect(fast.text.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0]).toContain(
      'faster than a person can fill the form',
    );
    expect(fast.status).toBe(400);
    expect(fast.text).toContain(PARTNER.message);
    const forged = await contact(anonymousAgent(t.app), person.id, ip(), {
      started: `${Date.now() - 10_000}.forged`,
    });
    expect(forged.status).toBe(400);
    const page = await anonymousAgent(t.app).get(`/people/listed/${person.id}/contact`);
    const fresh = /name="started" value="([^"]+)"/.exec(page.text)![1];
    const immediate = await contact(anonymousAgent(t.app), person.id, ip(), { started: fresh });
    expect(immediate.status).toBe(400);
    expect(await outboxTo(person.email)).toHaveLength(0);
  });

  it('limits messages per recipient, counted atomically under a burst', async () => {
    const { person } = await listedOrganizer();
    const responses = await Promise.all(
      Array.from({ length: CONTACT_PER_RECIPIENT.attempts + 3 }, () =>
        contact(anonymousAgent(t.app), person.id, ip()),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(CONTACT_PER_RECIPIENT.attempts);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(await outboxTo(person.email)).toHaveLength(CONTACT_PER_RECIPIENT.attempts);
  });

  it('limits messages per sender address', async () => {
    const address = ip();
    const people = [];
    for (let i = 0; i <= CONTACT_PER_ADDRESS.attempts; i++) people.push((await listedOrganizer()).person);
    const statuses = [];
    for (const person of people)
      statuses.push((await contact(anonymousAgent(t.app), person.id, address)).status);
    expect(statuses.slice(0, CONTACT_PER_ADDRESS.attempts).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(await outboxTo(people.at(-1)!.email)).toHaveLength(0);
  });
});
