import request, { type Response } from 'supertest';
import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { POSTING_LIMIT } from '../../src/circles';
import { DOOR_LIMITS } from '../../src/doors/limits';
import { JoinRequest, PartnerRequest } from '../../src/doors/door.entities';
import { GatheringAttendance } from '../../src/gatherings/gathering.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { CONTACT_PER_ADDRESS, CONTACT_PER_RECIPIENT } from '../../src/projects';
import { CONTACT_FORM_PURPOSE } from '../../src/projects/contact.service';
import { TalentListing } from '../../src/projects/talent.entities';
import { FormGuard } from '../../src/web/form-guard';
import { CHECK_IN_ATTEMPTS, currentCheckInCode } from '../../src/workshops/check-in-codes';
import { certificateKit } from '../certificates/kit';
import { acceptConduct, chapterWithCohort, createPost } from '../circles/helpers';
import { joinFields, partnerFields, stampedAgo } from '../doors/helpers';
import { createGathering } from '../gatherings/helpers';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { csrfFrom, csrfToken, signedInAgent, type Agent } from '../helpers/http';

const BURST = 50;
/** What the per-address limit of public pages says when one address has too many requests running. */
const BUSY = 'still being answered';

/** One request ready to fire: its session and CSRF token were fetched beforehand. */
type Ready = () => Promise<Response>;

interface LimitCase {
  /** How many requests of one key the limit lets do the work. */
  allowed: number;
  /** What a refusal tells the person (the limit's own message). */
  message: string;
  /** Request number `i` for the limited key, prepared (page fetched) but not sent. */
  prepare(i: number): Promise<Ready>;
  /** Did this response do the work (true), get refused by a limit (false)? Anything else fails the test. */
  done(r: Response): boolean | undefined;
  /** Rows the work stored for this key. */
  rows(): Promise<number>;
  /** Rows each request that did the work stores (0 for a wrong check-in code). */
  rowsEach: number;
  /**
   * The limit guards a secret and also caps attempts running at once, counting those it refuses as
   * busy: then the allowance is a ceiling a burst may not reach, never an amount to make up.
   */
  busyCounts?: true;
}

/**
 * Every limit kept in PostgreSQL, hit by 50 concurrent requests split over two app processes on one
 * database: no more requests do the work than the limit allows, the rest are refused with 429 (or, for
 * check-in, post/redirect/get) carrying Retry-After and a message, never a 500, and the stored rows
 * match. Where a per-address in-flight cap refused some of the burst before the limit counted them,
 * requests sent one by one afterwards must make up exactly the rest of the allowance, and no more.
 */
describe('limits kept in PostgreSQL under a burst of 50 across two processes', () => {
  let first: TestApp;
  let second: TestApp;
  const apps = () => [first, second];
  const app = (i: number) => apps()[i % 2].app;
  const db = () => first.dataSource.manager;
  let lastAddress = 0;
  const newIp = () => {
    lastAddress += 1;
    return `10.77.${(lastAddress >> 8) & 255}.${lastAddress & 255}`;
  };

  beforeAll(async () => {
    const env = { TRUST_PROXY: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '2000' };
    first = await startTestApp({ env });
    second = await startTestApp({ env, databaseName: first.databaseName });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  /** An anonymous form on `path`, opened from `ip` on process `i % 2`, ready to post `fields`. */
  async function anonymousForm(i: number, path: string, ip: string, fields: Record<string, string>) {
    const agent = request.agent(app(i));
    const page = await agent.get(path).set('X-Forwarded-For', ip);
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    const csrf = csrfFrom(page.text);
    return () =>
      agent
        .post(path)
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ ...fields, _csrf: csrf });
  }

  /** One signed-in session per process, with its CSRF token. */
  async function sessionsOf(email: string): Promise<{ agent: Agent; token: string }[]> {
    return Promise.all(
      apps().map(async (t) => {
        const agent = await signedInAgent(t.app, email);
        return { agent, token: await csrfToken(agent) };
      }),
    );
  }

  const refusedWith429 = (success: number) => (r: Response) =>
    r.status === success ? true : r.status === 429 ? false : undefined;

  const contactStamp = () =>
    new FormGuard(TEST_ENV.SESSION_SECRET, CONTACT_FORM_PURPOSE).sign(Date.now() - 10_000);
  const contactFields = () => ({
    name: 'Pat Partner',
    organisation: 'City of Somerville',
    email: 'pat.partner@city.example',
    message: 'We would like help running resident listening sessions this spring.',
    started: contactStamp(),
    website: '',
  });
  const messagesTo = async (emails: string[]) =>
    (await db().find(OutboxMessage)).filter((m) => emails.includes(m.toAddress) && m.headers['Reply-To'])
      .length;

  /** `count` organizers with a current certificate, on the talent listing. */
  async function listedPeople(count: number) {
    const kit = certificateKit(first);
    const people = [];
    for (let i = 0; i < count; i += 1) {
      const person = await createUser(db());
      await kit.certify(person.id);
      await db().insert(TalentListing, { userId: person.id, skills: 'Facilitation', note: '' });
      people.push(person);
    }
    return people;
  }

  const cases: [string, () => Promise<LimitCase>][] = [
    [
      'circle posts and replies per person',
      async () => {
        const { chapter, chapterCircle } = await chapterWithCohort(first.dataSource);
        const author = await createUser(db(), { chapterId: chapter.id });
        const reader = await createUser(db(), { chapterId: chapter.id });
        await acceptConduct(first.dataSource, reader.id);
        const post = await createPost(first.dataSource, chapterCircle.id, author.id);
        const sessions = await sessionsOf(reader.email);
        return {
          allowed: POSTING_LIMIT.attempts,
          message: 'You have posted a lot in a short time',
          prepare: (i) => {
            const { agent, token } = sessions[i % 2];
            const send = () =>
              agent
                .post(`/circles/posts/${post.id}/replies`)
                .type('form')
                .send({ body: `Reply ${i}`, _csrf: token });
            return Promise.resolve(send);
          },
          done: refusedWith429(303),
          rows: async () =>
            (await db().countBy(CircleReply, { authorId: reader.id })) +
            (await db().countBy(CirclePost, { authorId: reader.id })),
          rowsEach: 1,
        };
      },
    ],
    [
      'join requests per email address',
      () => {
        const email = 'burst.join@example.org';
        return Promise.resolve({
          allowed: DOOR_LIMITS.perAddressPerDay,
          message: 'several requests from this email address',
          prepare: (i) =>
            anonymousForm(i, '/join', newIp(), {
              ...joinFields({ email }),
              formStarted: stampedAgo(),
              website: '',
            }),
          done: refusedWith429(200),
          rows: () => db().countBy(JoinRequest, { email }),
          rowsEach: 1,
        });
      },
    ],
    [
      'join requests per network address',
      () => {
        const ip = newIp();
        return Promise.resolve({
          allowed: DOOR_LIMITS.perIpPerHour,
          message: 'sent from your network',
          prepare: (i) =>
            anonymousForm(i, '/join', ip, {
              ...joinFields({ email: `network.burst.${i}@example.org` }),
              formStarted: stampedAgo(),
              website: '',
            }),
          done: refusedWith429(200),
          rows: async () =>
            Number(
              (
                await db().query<{ n: string }[]>(
                  `SELECT count(*) AS n FROM join_requests WHERE email LIKE 'network.burst.%'`,
                )
              )[0].n,
            ),
          rowsEach: 1,
        });
      },
    ],
    [
      'partner requests per email address',
      () => {
        const contactEmail = 'burst.partner@example.org';
        return Promise.resolve({
          allowed: DOOR_LIMITS.perAddressPerDay,
          message: 'several requests from this email address',
          prepare: (i) =>
            anonymousForm(i, '/partners/request', newIp(), {
              ...partnerFields({ contactEmail }),
              formStarted: stampedAgo(),
              website: '',
            }),
          done: refusedWith429(200),
          rows: () => db().countBy(PartnerRequest, { contactEmail }),
          rowsEach: 1,
        });
      },
    ],
    [
      'talent contact messages per recipient',
      async () => {
        const [person] = await listedPeople(1);
        return {
          allowed: CONTACT_PER_RECIPIENT.attempts,
          message: 'received several messages today',
          prepare: (i) => anonymousForm(i, `/people/listed/${person.id}/contact`, newIp(), contactFields()),
          done: refusedWith429(200),
          rows: () => messagesTo([person.email]),
          rowsEach: 1,
        };
      },
    ],
    [
      'talent contact messages per sender address',
      async () => {
        // Two requests to each of 25 people: however the burst falls, no recipient reaches its own limit.
        const people = await listedPeople(25);
        const ip = newIp();
        return {
          allowed: CONTACT_PER_ADDRESS.attempts,
          message: 'You have sent several messages already',
          prepare: (i) =>
            anonymousForm(i, `/people/listed/${people[i % people.length].id}/contact`, ip, contactFields()),
          done: refusedWith429(200),
          rows: () => messagesTo(people.map((p) => p.email)),
          rowsEach: 1,
        };
      },
    ],
    [
      'gathering check-in codes per person',
      async () => {
        const { chapter, chapterCircle } = await chapterWithCohort(first.dataSource);
        const host = await createUser(db(), { role: 'coach', chapterId: chapter.id });
        const circle = { id: chapterCircle.id, chapterId: chapter.id };
        const gathering = await createGathering(db(), circle, host.id, { startsInHours: -0.1 });
        const member = await createUser(db(), { chapterId: chapter.id });
        const sessions = await sessionsOf(member.email);
        const { code } = currentCheckInCode(gathering.checkInSecret, gathering.id);
        const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
        return {
          allowed: CHECK_IN_ATTEMPTS.attempts,
          message: 'Too many wrong check-in codes',
          prepare: (i) => {
            const { agent, token } = sessions[i % 2];
            const send = () =>
              agent
                .post(`/gatherings/${gathering.id}/check-in`)
                .type('form')
                .send({ code: wrong(i), _csrf: token });
            return Promise.resolve(send);
          },
          // Post/redirect/get either way: a refusal by the limit carries Retry-After, a tested code not.
          done: (r) => (r.status === 303 ? r.headers['retry-after'] === undefined : undefined),
          rows: () => db().countBy(GatheringAttendance, { gatheringId: gathering.id }),
          rowsEach: 0,
          busyCounts: true,
        };
      },
    ],
  ];

  it.each(cases)('%s', async (name, make) => {
    const limit = { name, ...(await make()) };
    const ready: Ready[] = [];
    for (let i = 0; i < BURST; i += 1) ready.push(await limit.prepare(i));
    const burst = await Promise.all(ready.map((send) => send()));

    const outcomes = burst.map((r) => limit.done(r));
    const unexpected = burst.filter((_, i) => outcomes[i] === undefined);
    expect([limit.name, unexpected.map((r) => `${r.status} ${r.text.slice(0, 3000)}`)]).toEqual([
      limit.name,
      [],
    ]);
    const done = outcomes.filter((o) => o === true).length;
    expect([limit.name, done <= limit.allowed, done > 0]).toEqual([limit.name, true, true]);
    for (const refused of burst.filter((_, i) => outcomes[i] === false)) {
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      if (refused.status === 429)
        expect([limit.name, refused.text.includes(limit.message) || refused.text.includes(BUSY)]).toEqual([
          limit.name,
          true,
        ]);
    }

    // One by one, the rest of the allowance (if an in-flight cap refused part of the burst), then refusal.
    let total = done;
    let last: Response | undefined;
    for (let i = BURST; i <= BURST + limit.allowed; i += 1) {
      last = await (await limit.prepare(i))();
      if (limit.done(last) !== true) break;
      total += 1;
    }
    if (limit.busyCounts) expect(total).toBeLessThanOrEqual(limit.allowed);
    else expect([limit.name, total]).toEqual([limit.name, limit.allowed]);
    expect(limit.done(last!)).toBe(false);
    if (last!.status === 429) expect(last!.text).toContain(limit.message);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect([limit.name, await limit.rows()]).toEqual([limit.name, total * limit.rowsEach]);
  });
});
