import request from 'supertest';
import { IsNull } from 'typeorm';
import { PasswordReset } from '../../src/accounts/one-time-token.entities';
import { User } from '../../src/accounts/user.entity';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import * as passwords from '../../src/accounts/passwords';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { WorkshopAttendance } from '../../src/workshops/workshop.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD, createWorkshop } from '../helpers/factories';
import { csrfFrom, signedInAgent } from '../helpers/http';
import { BURST_TEST_LIMITS } from '../helpers/limit-burst';

const BURST = 50;
const limits = BURST_TEST_LIMITS;

/**
 * Bursts of concurrent attempts split over two app processes on one database: every limit consumes
 * its point before the work, so no more passwords or codes are checked than the limit allows.
 */
describe('attempt limits under a burst across two processes', () => {
  let first: TestApp;
  let second: TestApp;
  const apps = () => [first, second];

  beforeAll(async () => {
    const env = { TRUST_PROXY: '1' };
    first = await startTestApp({ env, throttleLimits: limits });
    second = await startTestApp({ env, throttleLimits: limits, databaseName: first.databaseName });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });
  afterEach(() => jest.restoreAllMocks());

  /** A sign-in form ready to post from `ip` (each with its own session and CSRF token). */
  async function signInForm(t: TestApp, ip: string) {
    const agent = request.agent(t.app);
    const token = csrfFrom((await agent.get('/login').set('X-Forwarded-For', ip)).text);
    return (email: string, password: string) =>
      agent.post('/login').set('X-Forwarded-For', ip).type('form').send({ email, password, _csrf: token });
  }

  it('checks at most the per-account limit of 50 concurrent guesses, then refuses the right password', async () => {
    const user = await createUser(first.dataSource.manager);
    const ip = '203.0.113.50';
    const forms = await Promise.all(Array.from({ length: BURST }, (_, i) => signInForm(apps()[i % 2], ip)));
    const checks = jest.spyOn(passwords, 'verifyPassword');
    const responses = await Promise.all(forms.map((send, i) => send(user.email, `wrong guess ${i}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(limits.perAccountAndIp);
    expect(checks.mock.calls.length).toBeGreaterThan(0);
    expect(checks.mock.calls.length).toBeLessThanOrEqual(limits.perAccountAndIp);

    const right = await (await signInForm(second, ip))(user.email, TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many failed sign-in attempts');
    const [row] = await first.dataSource.query<{ points: number }[]>(
      `SELECT points FROM login_throttle WHERE key = $1`,
      [`login_account_ip:${user.email}_${ip}`],
    );
    expect(row.points).toBeGreaterThan(limits.perAccountAndIp);
  });

  it('checks at most the per-address limit when a burst spreads over many accounts', async () => {
    const ip = '203.0.113.51';
    const forms = await Promise.all(Array.from({ length: BURST }, (_, i) => signInForm(apps()[i % 2], ip)));
    const responses = await Promise.all(
      forms.map((send, i) => send(`nobody-${i}@example.org`, 'wrong guess here')),
    );
    const checked = responses.filter((r) => r.status === 400).length;
    expect(checked).toBeLessThanOrEqual(limits.perIp);
    expect(responses.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(BURST - limits.perIp);

    const user = await createUser(first.dataSource.manager);
    expect((await (await signInForm(first, ip))(user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it('tests at most five check-in codes of 50 concurrent guesses, then refuses the right code', async () => {
    const manager = first.dataSource.manager;
    const coach = await createUser(manager, { role: 'coach' });
    const startsAt = new Date(Date.now() - 5 * 60_000);
    const workshop = await createWorkshop(manager, {
      title: 'Burst lab',
      startsAt,
      createdById: coach.id,
      checkInSecret: 'burst-secret',
    });
    const organizer = await createUser(manager);
    const agents = [
      await signedInAgent(first.app, organizer.email),
      await signedInAgent(second.app, organizer.email),
    ];
    const tokens = await Promise.all(
      agents.map(async (agent) => csrfFrom((await agent.get(`/workshops/${workshop.id}`)).text)),
    );
    const { code } = currentCheckInCode('burst-secret', workshop.id);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        agents[i % 2]
          .post(`/workshops/${workshop.id}/check-in`)
          .type('form')
          .send({ code: wrong(i), _csrf: tokens[i % 2] }),
      ),
    );
    // Check-in answers with a redirect either way (post/redirect/get); a refusal by the limit carries
    // Retry-After, a tested wrong code does not.
    expect(responses.every((r) => r.status === 303)).toBe(true);
    const limited = responses.filter((r) => r.headers['retry-after'] !== undefined).length;
    expect(BURST - limited).toBeLessThanOrEqual(5);
    expect(limited).toBeGreaterThanOrEqual(BURST - 5);

    const right = await agents[1]
      .post(`/workshops/${workshop.id}/check-in`)
      .type('form')
      .send({ code, _csrf: tokens[1] });
    expect(right.status).toBe(303);
    expect(right.headers['retry-after']).toBeDefined();
    expect(await manager.countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(0);
  });

  it('answers at most the per-address limit of 50 concurrent reset requests and emails at most three links, of which only the newest works', async () => {
    const user = await createUser(first.dataSource.manager);
    const ip = '203.0.113.52';
    const forms = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const agent = request.agent(apps()[i % 2].app);
        const token = csrfFrom((await agent.get('/password/forgot').set('X-Forwarded-For', ip)).text);
        return () =>
          agent
            .post('/password/forgot')
            .set('X-Forwarded-For', ip)
            .type('form')
            .send({ email: user.email, _csrf: token });
      }),
    );
    const responses = await Promise.all(forms.map((send) => send()));
    expect(responses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(limits.resetsPerIp);
    expect(responses.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(
      BURST - limits.resetsPerIp,
    );
    // The emails are written after answering: wait until they settle.
    const manager = first.dataSource.manager;
    let sent = 0;
    for (let waited = 0; waited < 3000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      sent = await manager.countBy(OutboxMessage, { toAddress: user.email });
    }
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(limits.resetsPerAccount);
    expect(await manager.countBy(PasswordReset, { userId: user.id, usedAt: IsNull() })).toBe(1);
  });

  it('checks at most five of 50 concurrent current-password guesses, then refuses the right one', async () => {
    const user = await createUser(first.dataSource.manager);
    const agents = [await signedInAgent(first.app, user.email), await signedInAgent(second.app, user.email)];
    const tokens = await Promise.all(
      agents.map(async (agent) => csrfFrom((await agent.get('/account/password')).text)),
    );
    const change = (i: number, currentPassword: string) =>
      agents[i % 2]
        .post('/account/password')
        .type('form')
        .send({ currentPassword, newPassword: 'a brand new and long passphrase', _csrf: tokens[i % 2] });
    const checks = jest.spyOn(passwords, 'verifyPassword');
    const responses = await Promise.all(
      Array.from({ length: BURST }, (_, i) => change(i, `wrong current password ${i}`)),
    );
    expect(responses.filter((r) => r.status === 400).length).toBeLessThanOrEqual(limits.passwordChecks);
    expect(checks.mock.calls.length).toBeLessThanOrEqual(limits.passwordChecks);
    const right = await change(1, TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many wrong current passwords');
    const stored = await first.dataSource.manager.findOneByOrFail(User, { id: user.id });
    expect(await passwords.verifyPassword(stored.passwordHash, TEST_PASSWORD)).toBe(true);
  });
});
