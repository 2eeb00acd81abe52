import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { capturingLogger } from '../helpers/log-capture';
import { confirmLink, joinFields, linkIn, partnerFields, sendForm } from '../doors/helpers';

describe('probe: the doors keep their private links out of the logs', () => {
  let t: TestApp;
  const log = capturingLogger('info');
  beforeAll(async () => {
    t = await startTestApp({ logger: log.logger });
  });
  afterAll(() => t.close());

  it('logs join and partner confirmations, status pages and introduction answers without their tokens', async () => {
    const chapter = await createChapter(t.dataSource.manager, { stateCode: 'MA' });
    const admin = await createUser(t.dataSource.manager, { role: 'admin', scopeChapterId: chapter.id });
    const member = await createUser(t.dataSource.manager, { chapterId: chapter.id });

    const join = joinFields({ email: 'probe-join@example.org' });
    expect((await sendForm(anonymousAgent(t.app), '/join', join)).status).toBe(200);
    const joinToken = await linkIn(t, join.email, '/join/confirm');
    expect((await confirmLink(anonymousAgent(t.app), `/join/confirm/${joinToken}`)).status).toBe(200);

    const partner = partnerFields({
      contactEmail: 'probe-partner@example.org',
      chapterId: chapter.id,
      nearState: '',
    });
    expect((await sendForm(anonymousAgent(t.app), '/partners/request', partner)).status).toBe(200);
    const confirmToken = await linkIn(t, partner.contactEmail, '/partners/confirm');
    const confirmed = await confirmLink(anonymousAgent(t.app), `/partners/confirm/${confirmToken}`);
    expect(confirmed.status).toBe(303);
    const statusPath = String(confirmed.headers.location);
    const statusToken = statusPath.split('/').pop()!;
    expect((await anonymousAgent(t.app).get(statusPath)).status).toBe(200);

    const adminAgent = await signedInAgent(t.app, admin.email);
    const list = await adminAgent.get('/admin/partner-requests');
    const requestId = /\/admin\/partner-requests\/([0-9a-f-]{36})/.exec(list.text)![1];
    const introduced = await postForm(adminAgent, `/admin/partner-requests/${requestId}/introductions`, {
      userId: member.id,
      message: '',
    });
    expect(introduced.status).toBe(303);
    const introToken = await linkIn(t, partner.contactEmail, '/introductions');
    expect((await anonymousAgent(t.app).get(`/introductions/${introToken}`)).status).toBe(200);
    // A dead link is logged too (4xx), still without what was typed.
    expect((await anonymousAgent(t.app).get(`/partners/status/DEADbeef${'x'.repeat(35)}`)).status).toBe(410);

    // The circle digest's unsubscribe link carries a token too: not logged, not cached.
    const unsubscribe = await anonymousAgent(t.app).get(
      `/notifications/unsubscribe/UNSUBsecret${'y'.repeat(30)}`,
    );
    expect(unsubscribe.headers['cache-control']).toBe('no-store');

    const logged = JSON.stringify(log.lines);
    expect(log.lines.filter((line) => line.msg === 'request completed').length).toBeGreaterThan(8);
    expect(logged).toContain('/partners/status/[redacted]');
    for (const secret of [joinToken, confirmToken, statusToken, introToken, 'DEADbeef', 'UNSUBsecret'])
      expect(logged).not.toContain(secret);
  });

  it('refuses a deadline that is no real date (February 30) with a message, keeping the form', async () => {
    const before = await t.dataSource.manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM partner_requests',
    );
    for (const deadline of ['2027-02-30', '2027-04-31', '2027-00-10']) {
      const sent = await sendForm(
        anonymousAgent(t.app),
        '/partners/request',
        partnerFields({ contactEmail: `deadline-${deadline}@example.org`, deadline, need: 'Kept need text' }),
      );
      expect({ deadline, status: sent.status }).toEqual({ deadline, status: 400 });
      expect(sent.text).toContain('Enter the deadline as a date, like 2027-03-31.');
      expect(sent.text).toContain('Kept need text');
    }
    const after = await t.dataSource.manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM partner_requests',
    );
    expect(after[0].n).toBe(before[0].n);
  });

  it('answers arrays, huge values and odd text in every door form with a 4xx, never a 500', async () => {
    const agent = anonymousAgent(t.app);
    const page = await agent.get('/join');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const odd = ['x'.repeat(100_000), '\u{1F600}'.repeat(50), ' \u200b ', 'a\u0000b'];
    const statuses: number[] = [];
    for (const value of odd) {
      for (const path of ['/join', '/partners/request']) {
        const r = await agent
          .post(path)
          .type('form')
          .send(
            `_csrf=${encodeURIComponent(csrf)}&name[]=x&email[]=y&kind[a]=b&state=${encodeURIComponent(value)}&deadline=${encodeURIComponent(value)}&chapterId=${encodeURIComponent(value)}`,
          );
        statuses.push(r.status);
      }
      statuses.push((await agent.get(`/introductions/${encodeURIComponent(value.slice(0, 2000))}`)).status);
      statuses.push((await agent.get(`/partners/status/${encodeURIComponent(value.slice(0, 2000))}`)).status);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
