import { randomUUID } from 'node:crypto';
import type { User } from '../../src/accounts/user.entity';
import type { ReportFilter } from '../../src/admin/reports.service';
import { FELLOWSHIP_MEASURES } from '../../src/circles/fellowship-measures';
import { FellowshipReport, type FellowshipFigures } from '../../src/circles/fellowship-report';
import {
  CirclePost,
  CircleReply,
  PostMeToo,
  ReplyHelped,
  POST_KINDS,
  type PostKind,
} from '../../src/circles/post.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { chapterWithCohort } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const midnight = (daysAgo: number) =>
  new Date(new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10) + 'T00:00:00Z');

/** A small deterministic generator, so every run seeds the same activity. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

/** The figures recomputed the plain way, from every row, for one population and range. */
function recompute(
  rows: { posts: CirclePost[]; replies: CircleReply[]; meToo: PostMeToo[]; helped: ReplyHelped[] },
  inPopulation: (userId: string) => boolean,
  from: Date,
  toExclusive: Date,
): Omit<FellowshipFigures, 'perWeek' | 'answeredWithin48hRate'> {
  const inRange = (d: Date) => d >= from && d < toExclusive;
  const active = new Set(
    [
      ...rows.posts.filter((p) => inRange(p.createdAt)).map((p) => p.authorId),
      ...rows.replies.filter((r) => inRange(r.createdAt)).map((r) => r.authorId),
      ...rows.meToo.filter((t) => inRange(t.createdAt)).map((t) => t.userId),
      ...rows.helped.filter((h) => inRange(h.createdAt)).map((h) => h.userId),
    ].filter(inPopulation),
  );
  const posts = rows.posts.filter((p) => !p.hiddenAt && inRange(p.createdAt) && inPopulation(p.authorId));
  const asks = posts.filter((p) => p.kind === 'ask');
  const firstReplyHours: number[] = [];
  let answered = 0;
  let unreplied = 0;
  for (const ask of asks) {
    const replies = rows.replies.filter(
      (r) => r.postId === ask.id && !r.hiddenAt && r.authorId !== ask.authorId,
    );
    if (replies.length)
      firstReplyHours.push(
        (Math.min(...replies.map((r) => r.createdAt.getTime())) - ask.createdAt.getTime()) / HOUR,
      );
    else unreplied += 1;
    const chosen = rows.replies.find((r) => r.id === ask.answerReplyId);
    if (chosen && chosen.createdAt.getTime() - ask.createdAt.getTime() <= 48 * HOUR) answered += 1;
  }
  firstReplyHours.sort((a, b) => a - b);
  const mid = firstReplyHours.length / 2;
  const median = !firstReplyHours.length
    ? null
    : firstReplyHours.length % 2
      ? firstReplyHours[Math.floor(mid)]
      : (firstReplyHours[mid - 1] + firstReplyHours[mid]) / 2;
  const byKind = (kind: PostKind) => posts.filter((p) => p.kind === kind).length;
  return {
    activeMembers: active.size,
    asks: asks.length,
    answeredWithin48h: answered,
    unreplied,
    medianFirstReplyHours: median,
    postsByKind: { story: byKind('story'), ask: byKind('ask'), feedback: byKind('feedback') },
  };
}

describe('reports: fellowship in circles', () => {
  let t: TestApp;
  let people: User[];
  let chapterA: string;
  let chapterB: string;
  let cohortA: string;
  const report = new FellowshipReport();
  const m = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    const a = await chapterWithCohort(t.dataSource);
    const b = await chapterWithCohort(t.dataSource);
    [chapterA, chapterB, cohortA] = [a.chapter.id, b.chapter.id, a.cohort.id];
    people = [
      ...(await Promise.all(
        [0, 1, 2].map(() => createUser(m(), { chapterId: chapterA, cohortId: cohortA })),
      )),
      await createUser(m(), { chapterId: chapterA }),
      await createUser(m(), { role: 'coach', chapterId: chapterA }),
      ...(await Promise.all([0, 1, 2].map(() => createUser(m(), { chapterId: chapterB })))),
    ];
    const circleOf = (u: User) =>
      u.cohortId ? a.cohortCircle.id : u.chapterId === chapterA ? a.chapterCircle.id : b.chapterCircle.id;
    const rnd = generator(42);
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);
    const moderated = () => (rnd.next() < 0.1 ? { hiddenAt: new Date(), hiddenReason: 'Moderated' } : {});
    const posts: Partial<CirclePost>[] = [];
    const replies: Partial<CircleReply>[] = [];
    const helped = new Map<string, Partial<ReplyHelped>>();
    const meToo = new Map<string, Partial<PostMeToo>>();
    for (let i = 0; i < 120; i += 1) {
      const author = rnd.pick(people);
      const postedHoursAgo = 24 * (3 + rnd.next() * 40);
      const post = {
        id: randomUUID(),
        circleId: circleOf(author),
        authorId: author.id,
        kind: rnd.pick(POST_KINDS),
        title: `Post ${i}`,
        body: 'Body',
        createdAt: at(postedHoursAgo),
        ...moderated(),
      };
      posts.push(post);
      const replyIds: string[] = [];
      for (let j = Math.floor(rnd.next() * 4); j > 0; j -= 1) {
        const reply = {
          id: randomUUID(),
          postId: post.id,
          authorId: rnd.pick(people).id,
          body: 'Reply',
          createdAt: at(postedHoursAgo - rnd.next() * 70),
          ...moderated(),
        };
        replies.push(reply);
        replyIds.push(reply.id);
        const userId = rnd.pick(people).id;
        if (rnd.next() < 0.4)
          helped.set(`${reply.id}${userId}`, {
            replyId: reply.id,
            userId,
            createdAt: at(rnd.next() * 40 * 24),
          });
      }
      if (post.kind === 'ask' && replyIds.length && rnd.next() < 0.6)
        Object.assign(post, { answerReplyId: rnd.pick(replyIds) });
      const userId = rnd.pick(people).id;
      if (post.kind === 'ask' && rnd.next() < 0.5)
        meToo.set(`${post.id}${userId}`, { postId: post.id, userId, createdAt: at(rnd.next() * 40 * 24) });
    }
    // The chosen replies exist only after the posts: insert without them, then point at them.
    await m().insert(
      CirclePost,
      posts.map((p) => ({ ...p, answerReplyId: null })),
    );
    await m().insert(CircleReply, replies);
    for (const p of posts.filter((p) => p.answerReplyId))
      await m().update(CirclePost, { id: p.id }, { answerReplyId: p.answerReplyId });
    if (helped.size) await m().insert(ReplyHelped, [...helped.values()]);
    if (meToo.size) await m().insert(PostMeToo, [...meToo.values()]);
  }, 120_000);
  afterAll(() => t.close());

  async function everything() {
    return {
      posts: await m().find(CirclePost),
      replies: await m().find(CircleReply),
      meToo: await m().find(PostMeToo),
      helped: await m().find(ReplyHelped),
    };
  }

  it.each([
    ['the whole academy', () => ({ chapterId: null, cohortId: null })],
    ['one chapter', () => ({ chapterId: chapterA, cohortId: null })],
    ['one cohort', () => ({ chapterId: chapterA, cohortId: cohortA })],
    ['another chapter', () => ({ chapterId: chapterB, cohortId: null })],
  ])('agrees with a plain recomputation for %s', async (_name, scope) => {
    const f: ReportFilter = { ...scope(), trackId: null, from: midnight(20), to: midnight(0) };
    const figures = await report.figures(m(), f);
    const byId = new Map(people.map((p) => [p.id, p]));
    const inPopulation = (id: string) => {
      const person = byId.get(id)!;
      return (
        (!f.chapterId || person.chapterId === f.chapterId) && (!f.cohortId || person.cohortId === f.cohortId)
      );
    };
    const expected = recompute(await everything(), inPopulation, f.from, new Date(f.to.getTime() + DAY));
    const { perWeek, answeredWithin48hRate, medianFirstReplyHours, ...rest } = figures;
    const { medianFirstReplyHours: expectedMedian, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
    if (expectedMedian === null) expect(medianFirstReplyHours).toBeNull();
    else expect(medianFirstReplyHours).toBeCloseTo(expectedMedian, 6);
    expect(expected.asks).toBeGreaterThan(0);
    if (!f.chapterId)
      // The seeded data exercises every branch: answered in time, late or never, unreplied.
      for (const n of [
        expected.answeredWithin48h,
        expected.unreplied,
        expected.asks - expected.answeredWithin48h,
      ])
        expect(n).toBeGreaterThan(0);
    expect(answeredWithin48hRate).toBeCloseTo(expected.answeredWithin48h / expected.asks, 9);
    const weekly = perWeek.reduce((n, w) => n + w.story + w.ask + w.feedback, 0);
    expect(weekly).toBe(
      expected.postsByKind.story + expected.postsByKind.ask + expected.postsByKind.feedback,
    );
  });

  it('gives the "from all sides" report the same figures per chapter', async () => {
    const range = { from: midnight(20), to: new Date(midnight(0).getTime() + DAY) };
    const [active, answered] = await Promise.all(
      FELLOWSHIP_MEASURES.map((measure) => measure.count(m(), range)),
    );
    const rows = await everything();
    for (const chapterId of [chapterA, chapterB]) {
      const inChapter = (id: string) => people.find((p) => p.id === id)!.chapterId === chapterId;
      const expected = recompute(rows, inChapter, range.from, range.to);
      expect(active.get(chapterId) ?? 0).toBe(expected.activeMembers);
      expect(answered.get(chapterId) ?? 0).toBe(expected.answeredWithin48h);
    }
  });

  it('shows the section on /admin/reports, a chapter-scoped admin seeing their chapter only', async () => {
    const admin = await createUser(m(), { role: 'admin' });
    const scoped = await createUser(m(), { role: 'admin', scopeChapterId: chapterB });
    const from = midnight(20).toISOString().slice(0, 10);
    const to = midnight(0).toISOString().slice(0, 10);
    const figuresFor = (chapterId: string | null) =>
      report.figures(m(), { chapterId, cohortId: null, trackId: null, from: midnight(20), to: midnight(0) });
    const all = await figuresFor(null);
    const onlyB = await figuresFor(chapterB);
    expect(onlyB.activeMembers).toBeLessThan(all.activeMembers);
    const sentence = (n: number) =>
      `<strong>${n}</strong> ${n === 1 ? 'person was' : 'people were'} active in circles`;

    const page = await (await signedInAgent(t.app, admin.email)).get(`/admin/reports?from=${from}&to=${to}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Fellowship in circles');
    expect(page.text).toContain(sentence(all.activeMembers));
    expect(page.text).toContain('<title id="chart-circle-posts-title">Circle posts per week</title>');
    expect(page.text).toMatch(new RegExp(`<th scope="row">Stories</th><td>${all.postsByKind.story}</td>`));

    const scopedPage = await (
      await signedInAgent(t.app, scoped.email)
    ).get(`/admin/reports?chapterId=${chapterA}&from=${from}&to=${to}`);
    expect(scopedPage.text).toContain(sentence(onlyB.activeMembers));
    expect(scopedPage.text).not.toContain(sentence(all.activeMembers));
  });
});
