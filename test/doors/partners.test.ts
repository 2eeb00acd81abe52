import { AuditEvent } from '../../src/audit/audit-event.entity';
import { PartnerRequest, PartnerRequestTransition } from '../../src/doors/door.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Notification } from '../../src/notifications/notification.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { confirmLink, linkIn, partnerFields, sendForm, stampedAgo } from './helpers';

describe('partner requests', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  /** Sends and confirms a partner request; returns the row and the private status path. */
  async function confirmedRequest(fields: Record<string, string> = {}) {
    const values = partnerFields(fields);
    const sent = await sendForm(anonymousAgent(t.app), '/partners/request', values);
    if (sent.status !== 200)
      throw new Error(`partner form answered ${sent.status}: ${sent.text.slice(0, 500)}`);
    const token = await linkIn(t, values.contactEmail, '/partners/confirm');
    const confirmed = await confirmLink(anonymousAgent(t.app), `/partners/confirm/${token}`);
    expect(confirmed.status).toBe(303);
    const request = await db().findOneByOrFail(PartnerRequest, { contactEmail: values.contactEmail });
    return { request, statusPath: String(confirmed.headers.location) };
  }

  it('has the same protections as the join form: honeypot, fill time, per-address limit, nothing seen before confirming', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const agent = anonymousAgent(t.app);
    const bot = await sendForm(agent, '/partners/request', partnerFields({ website: 'spam' }));
    expect(bot.status).toBe(200);
    expect(await db().count(PartnerRequest)).toBe(0);
    const quick = await sendForm(agent, '/partners/request', partnerFields(), stampedAgo(100));
    expect(quick.status).toBe(400);
    expect(await db().count(PartnerRequest)).toBe(0);
    const burst = await Promise.all(
      Array.from({ length: 6 }, () => sendForm(anonymousAgent(t.app), '/partners/request', partnerFields())),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(3);
    expect(await db().count(PartnerRequest)).toBe(3);
    const list = await (await signedInAgent(t.app, admin.email)).get('/admin/partner-requests');
    expect(list.text).not.toContain('City of Somerville');
    expect(await db().countBy(Notification, { kind: 'requests' })).toBe(0);
  });

  it('refuses a past deadline, an unknown chapter and no place with messages to act on', async () => {
    const past = await sendForm(
      anonymousAgent(t.app),
      '/partners/request',
      partnerFields({ deadline: '2001-01-01' }),
    );
    expect(past.status).toBe(400);
    expect(past.text).toContain('The deadline has passed');
    const nowhere = await sendForm(
      anonymousAgent(t.app),
      '/partners/request',
      partnerFields({ nearState: '' }),
    );
    expect(nowhere.status).toBe(400);
    expect(nowhere.text).toContain('Choose a chapter, or the state you are in');
    const unknown = await sendForm(
      anonymousAgent(t.app),
      '/partners/request',
      partnerFields({ chapterId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Choose one of the chapters in the list.');
    expect(await db().count(PartnerRequest)).toBe(0);
  });

  it('goes to the chosen chapter once confirmed; the partner lands on a private status page, unguessable and stored hashed', async () => {
    const chapter = await createChapter(db(), { name: 'Code for Boston', stateCode: 'MA' });
    await createChapter(db(), { name: 'Open Phoenix', stateCode: 'AZ' });
    const admin = await createUser(db(), { role: 'admin', scopeChapterId: chapter.id });
    const { request, statusPath } = await confirmedRequest({ chapterId: chapter.id, nearState: '' });
    expect(request.chapterId).toBe(chapter.id);
    expect(statusPath).toMatch(/^\/partners\/status\/[A-Za-z0-9_-]{43}$/);
    const token = statusPath.split('/').pop()!;
    expect(request.statusTokenHash).toHaveLength(64);
    expect(request.statusTokenHash).not.toContain(token);
    expect(await linkIn(t, 'pat@somerville.example', '/partners/status')).toBe(token);
    const page = await anonymousAgent(t.app).get(statusPath);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Code for Boston');
    expect(page.text).toContain('<strong>New</strong>');
    // A guessed token of the right shape shows nothing.
    expect((await anonymousAgent(t.app).get(`/partners/status/${'A'.repeat(43)}`)).status).toBe(410);
    expect(await db().countBy(Notification, { userId: admin.id, kind: 'requests' })).toBe(1);
  });

  it('confirms once under a double click: one status link, one notice, the other click told the link is used', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    await sendForm(anonymousAgent(t.app), '/partners/request', partnerFields());
    const path = `/partners/confirm/${await linkIn(t, 'pat@somerville.example', '/partners/confirm')}`;
    const [one, two] = [anonymousAgent(t.app), anonymousAgent(t.app)];
    const pages = await Promise.all([one.get(path), two.get(path)]);
    const tokens = pages.map((p) => /name="_csrf" value="([^"]+)"/.exec(p.text)![1]);
    const answers = await Promise.all([
      one.post(path).type('form').send({ _csrf: tokens[0] }),
      two.post(path).type('form').send({ _csrf: tokens[1] }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 410]);
    expect(await db().countBy(Notification, { userId: admin.id, kind: 'requests' })).toBe(1);
    expect(await db().countBy(AuditEvent, { action: 'partner_request.confirmed' })).toBe(1);
  });

  it('routes "nearest to a state" to the nearest chapter', async () => {
    const nyc = await createChapter(db(), { name: 'BetaNYC', stateCode: 'NY' });
    await createChapter(db(), { name: 'Code for Denver', stateCode: 'CO' });
    const { request } = await confirmedRequest({ nearState: 'NJ' });
    expect(request.chapterId).toBe(nyc.id);
  });

  describe('moving through statuses', () => {
    let admin: Agent;
    let request: PartnerRequest;
    let statusPath: string;

    beforeEach(async () => {
      const chapter = await createChapter(db(), { stateCode: 'MA' });
      admin = await signedInAgent(
        t.app,
        (await createUser(db(), { role: 'admin', scopeChapterId: chapter.id })).email,
      );
      ({ request, statusPath } = await confirmedRequest());
    });

    const move = (to: string, noteForPartner = '', internalNote = '') =>
      postForm(admin, `/admin/partner-requests/${request.id}/move`, { to, noteForPartner, internalNote });

    it('records each move with its notes and an audit row, emails the partner, and shows them only their notes', async () => {
      expect((await move('talking', 'We would love to meet on Monday.', 'Budget unclear')).status).toBe(303);
      expect((await move('project_started', 'Kick-off done.')).status).toBe(303);
      expect((await move('done')).status).toBe(303);
      const transitions = await db().find(PartnerRequestTransition, {
        where: { requestId: request.id },
        order: { createdAt: 'ASC' },
      });
      expect(transitions.map((x) => [x.fromStatus, x.toStatus])).toEqual([
        ['new', 'talking'],
        ['talking', 'project_started'],
        ['project_started', 'done'],
      ]);
      expect((await db().findOneByOrFail(PartnerRequest, { id: request.id })).status).toBe('done');
      expect(await db().countBy(AuditEvent, { action: 'partner_request.moved', subjectId: request.id })).toBe(
        3,
      );
      const emails = await db().find(OutboxMessage, { where: { toAddress: 'pat@somerville.example' } });
      expect(emails.filter((m) => m.subject.startsWith('Your request to Organizer Academy: '))).toHaveLength(
        4,
      );
      expect(emails.some((m) => m.bodyText.includes('We would love to meet on Monday.'))).toBe(true);
      expect(emails.some((m) => m.bodyText.includes('Budget unclear'))).toBe(false);

      const page = await anonymousAgent(t.app).get(statusPath);
      expect(page.text).toContain('We would love to meet on Monday.');
      expect(page.text).toContain('<strong>Done</strong>');
      expect(page.text).not.toContain('Budget unclear');
      expect((await admin.get(`/admin/partner-requests/${request.id}`)).text).toContain('Budget unclear');
    });

    it('refuses moves the status does not allow (409, nothing written), also in the database', async () => {
      const skipped = await move('done');
      expect(skipped.status).toBe(409);
      expect(skipped.text).toContain('From new it can become: talking, declined.');
      expect(await move('declined')).toHaveProperty('status', 303);
      expect((await move('talking')).status).toBe(409);
      expect(await db().countBy(PartnerRequestTransition, { requestId: request.id })).toBe(1);
      const actor = (await db().findOneByOrFail(PartnerRequestTransition, { requestId: request.id })).actorId;
      await expect(
        db().insert(PartnerRequestTransition, {
          requestId: request.id,
          fromStatus: 'declined',
          toStatus: 'talking',
          actorId: actor,
        }),
      ).rejects.toThrow(/partner_request_transitions_allowed/);
      // A note without a move is fine.
      expect((await move('declined', 'Good luck with it.')).status).toBe(303);
    });

    it('lets admins revoke the status link at once and send a new one (the old one stops working)', async () => {
      expect((await postForm(admin, `/admin/partner-requests/${request.id}/status-link/revoke`)).status).toBe(
        303,
      );
      expect((await anonymousAgent(t.app).get(statusPath)).status).toBe(410);
      expect((await db().findOneByOrFail(PartnerRequest, { id: request.id })).statusTokenHash).toBeNull();
      expect((await postForm(admin, `/admin/partner-requests/${request.id}/status-link`)).status).toBe(303);
      const fresh = await linkIn(t, 'pat@somerville.example', '/partners/status');
      expect(`/partners/status/${fresh}`).not.toBe(statusPath);
      expect((await anonymousAgent(t.app).get(`/partners/status/${fresh}`)).status).toBe(200);
      expect((await postForm(admin, `/admin/partner-requests/${request.id}/status-link`)).status).toBe(303);
      expect((await anonymousAgent(t.app).get(`/partners/status/${fresh}`)).status).toBe(410);
      expect(
        await db().countBy(AuditEvent, {
          subjectId: request.id,
          action: 'partner_request.status_link_renewed',
        }),
      ).toBe(2);
    });

    it('is out of reach of admins of other chapters', async () => {
      const other = await createChapter(db(), { stateCode: 'TX' });
      const outsider = await signedInAgent(
        t.app,
        (await createUser(db(), { role: 'admin', scopeChapterId: other.id })).email,
      );
      expect((await outsider.get(`/admin/partner-requests/${request.id}`)).status).toBe(404);
      expect(
        (await postForm(outsider, `/admin/partner-requests/${request.id}/move`, { to: 'talking' })).status,
      ).toBe(404);
      expect((await postForm(outsider, `/admin/partner-requests/${request.id}/status-link`)).status).toBe(
        404,
      );
      expect((await outsider.get('/admin/partner-requests')).text).not.toContain('City of Somerville');
    });
  });
});
