import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { POSTING_LIMIT } from '../../src/circles';
import { GatheringAttendance } from '../../src/gatherings/gathering.entities';
import { CHECK_IN_ATTEMPTS, currentCheckInCode } from '../../src/workshops/check-in-codes';
import { WorkshopAttendance } from '../../src/workshops/workshop.entities';
import { acceptConduct, chapterWithCohort, createPost } from '../circles/helpers';
import { createGathering } from '../gatherings/helpers';
import { createUser, createWorkshop } from '../helpers/factories';
import {
  anonymousForm,
  expectBurstHolds,
  refusedWith429,
  sessionsOf,
  BURST_TEST_LIMITS,
  twoProcesses,
  type LimitCase,
} from '../helpers/limit-burst';

const limits = BURST_TEST_LIMITS;

/**
 * The limits on what people do (posting, check-in codes) and on reaching an account (sign-in,
 * password reset, current-password checks), kept in PostgreSQL, each hit by 50 concurrent requests
 * split over two app processes on one database (see expectBurstHolds). Check-in answers with a
 * redirect either way (post/redirect/get): a refusal by the limit carries Retry-After, a tested code not.
 */
describe('member and account limits under a burst of 50 across two processes', () => {
  let apps: Awaited<ReturnType<typeof twoProcesses>>;
  const db = () => apps.first.dataSource.manager;
  const both = () => [apps.first, apps.second];
  let lastAddress = 0;
  const newIp = () => {
    lastAddress += 1;
    return `10.78.${(lastAddress >> 8) & 255}.${lastAddress & 255}`;
  };

  beforeAll(async () => {
    apps = await twoProcesses({ TRUST_PROXY: '1', PUBLIC_RATE_LIMIT_PER_MINUTE: '2000' }, limits);
  });
  afterAll(() => apps.close());

  const testedCode = (r: { status: number; headers: Record<string, string> }) =>
    r.status === 303 ? r.headers['retry-after'] === undefined : undefined;

  /** Wrong codes for an event whose code is `code`, all different. */
  const wrongCodes = (code: string) => (i: number) =>
    String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

  /** A check-in case: 50 wrong codes for the event at `path` from one person's two sessions. */
  async function checkIn(path: string, code: string, personEmail: string, attendance: () => Promise<number>) {
    const sessions = await sessionsOf(both(), personEmail);
    const wrong = wrongCodes(code);
    return {
      allowed: CHECK_IN_ATTEMPTS.attempts,
      message: 'Too many wrong check-in codes',
      prepare: (i: number) => {
        const { agent, token } = sessions[i % 2];
        return Promise.resolve(() =>
          agent
            .post(path)
            .type('form')
            .send({ code: wrong(i), _csrf: token }),
        );
      },
      done: testedCode,
      rows: attendance,
      rowsEach: 0,
      busyCounts: true as const,
    };
  }

  const cases: [string, () => Promise<LimitCase>][] = [
    [
      'circle posts and replies per person',
      async () => {
        const { chapter, chapterCircle } = await chapterWithCohort(apps.first.dataSource);
        const author = await createUser(db(), { chapterId: chapter.id });
        const reader = await createUser(db(), { chapterId: chapter.id });
        await acceptConduct(apps.first.dataSource, reader.id);
        const post = await createPost(apps.first.dataSource, chapterCircle.id, author.id);
        const sessions = await sessionsOf(both(), reader.email);
        return {
          allowed: POSTING_LIMIT.attempts,
          message: 'You have posted a lot in a short time',
          prepare: (i) => {
            const { agent, token } = sessions[i % 2];
            return Promise.resolve(() =>
              agent
                .post(`/circles/posts/${post.id}/replies`)
                .type('form')
                .send({ body: `Reply ${i}`, _csrf: token }),
            );
          },
          done: refusedWith429(303),
          rows: async () =>
            (await db().countBy(CircleReply, { authorId: reader.id })) +
            (await db().countBy(CirclePost, { authorId: reader.id })),
        };
      },
    ],
    [
      'gathering check-in codes per person',
      async () => {
        const { chapter, chapterCircle } = await chapterWithCohort(apps.first.dataSource);
        const host = await createUser(db(), { role: 'coach', chapterId: chapter.id });
        const circle = { id: chapterCircle.id, chapterId: chapter.id };
        const gathering = await createGathering(db(), circle, host.id, { startsInHours: -0.1 });
        const member = await createUser(db(), { chapterId: chapter.id });
        const { code } = currentCheckInCode(gathering.checkInSecret, gathering.id);
        return checkIn(`/gatherings/${gathering.id}/check-in`, code, member.email, () =>
          db().countBy(GatheringAttendance, { gatheringId: gathering.id }),
        );
      },
    ],
    [
      'workshop check-in codes per person',
      async () => {
        const coach = await createUser(db(), { role: 'coach' });
        const startsAt = new Date(Date.now() - 5 * 60_000);
        const workshop = await createWorkshop(db(), {
          title: 'Burst lab',
          startsAt,
          createdById: coach.id,
          checkInSecret: 'limit-burst-secret',
        });
        const organizer = await createUser(db());
        const { code } = currentCheckInCode('limit-burst-secret', workshop.id);
        return checkIn(`/workshops/${workshop.id}/check-in`, code, organizer.email, () =>
          db().countBy(WorkshopAttendance, { workshopId: workshop.id }),
        );
      },
    ],
    [
      'sign-in attempts per account and address',
      async () => {
        const user = await createUser(db());
        const ip = newIp();
        return {
          allowed: limits.perAccountAndIp,
          message: 'Too many failed sign-in attempts',
          prepare: (i) =>
            anonymousForm(apps.app(i), '/login', ip, { email: user.email, password: `wrong guess ${i}` }),
          done: refusedWith429(400),
          busyCounts: true,
        };
      },
    ],
    [
      'sign-in attempts per address, over many accounts',
      () => {
        const ip = newIp();
        return Promise.resolve({
          allowed: limits.perIp,
          message: 'Too many failed sign-in attempts',
          prepare: (i) =>
            anonymousForm(apps.app(i), '/login', ip, {
              email: `nobody-${i}@example.org`,
              password: 'wrong guess here',
            }),
          done: refusedWith429(400),
        });
      },
    ],
    [
      'sign-in attempts per IPv6 network, each from another address of one /64',
      () =>
        Promise.resolve({
          allowed: limits.perIp,
          message: 'Too many failed sign-in attempts',
          prepare: (i) =>
            anonymousForm(apps.app(i), '/login', `2001:db8:78:1:${i.toString(16)}::1`, {
              email: `nobody-v6-${i}@example.org`,
              password: 'wrong guess here',
            }),
          done: refusedWith429(400),
        }),
    ],
    [
      'password reset requests per address',
      async () => {
        const user = await createUser(db());
        const ip = newIp();
        return {
          allowed: limits.resetsPerIp,
          message: 'Too many password reset requests from your address',
          prepare: (i) => anonymousForm(apps.app(i), '/password/forgot', ip, { email: user.email }),
          done: refusedWith429(200),
          busyCounts: true,
        };
      },
    ],
    [
      'current-password checks per person',
      async () => {
        const user = await createUser(db());
        const sessions = await sessionsOf(both(), user.email);
        return {
          allowed: limits.passwordChecks,
          message: 'Too many wrong current passwords',
          prepare: (i) => {
            const { agent, token } = sessions[i % 2];
            return Promise.resolve(() =>
              agent
                .post('/account/password')
                .type('form')
                .send({
                  currentPassword: `wrong current password ${i}`,
                  newPassword: 'a brand new and long passphrase',
                  _csrf: token,
                }),
            );
          },
          done: refusedWith429(400),
          busyCounts: true,
        };
      },
    ],
  ];

  it.each(cases)('%s', async (name, make) => expectBurstHolds(name, await make()));
});
