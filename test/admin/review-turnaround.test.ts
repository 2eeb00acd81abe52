import { Cohort } from '../../src/accounts/cohort.entity';
import { User } from '../../src/accounts/user.entity';
import { ReportsService, type ReportFilter } from '../../src/admin/reports.service';
import { BUCKET_BOUNDS, medianOf, planRange } from '../../src/admin/turnaround';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { expectRebuildKeepsKept, reportGroups } from '../helpers/kept-counts';
import { expectTurnaroundMatchesRawReviews } from '../helpers/turnaround-check';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EPOCH = Date.parse('2000-01-03T00:00:00Z');
const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

/** A small deterministic random source (mulberry32), so failures reproduce. */
function randomSource(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('planning a range as blocks and edges', () => {
  /** How many times the plan counts the instant `at` (blocks and edges, with their signs). */
  const coverage = (plan: ReturnType<typeof planRange>, at: number) =>
    plan.blocks
      .filter((b) => {
        const start = Date.parse(`${b.start}T00:00:00Z`);
        return at >= start && at < start + b.span * 7 * DAY;
      })
      .reduce((n, b) => n + b.sign, 0) +
    plan.edges.filter((e) => at >= e.from.getTime() && at < e.to.getTime()).reduce((n, e) => n + e.sign, 0);

  it('counts every instant of the range once and nothing outside it, for ranges of any length', () => {
    const random = randomSource(7);
    for (let i = 0; i < 300; i++) {
      const dayAligned = i % 3 !== 0;
      const from = today - Math.floor(random() * 1300) * DAY - (dayAligned ? 0 : Math.floor(random() * DAY));
      const length = [1, 6, 7, 8, 84, 365, 1095][i % 7] * DAY + (dayAligned ? 0 : Math.floor(random() * DAY));
      const plan = planRange(new Date(from), new Date(from + length));
      const probes = [from - 1, from, from + length - 1, from + length];
      for (let at = from - 70 * DAY; at < from + length + 70 * DAY; at += 13 * HOUR) probes.push(at);
      const wrong = probes.filter((at) => coverage(plan, at) !== (at >= from && at < from + length ? 1 : 0));
      expect([from, length, wrong]).toEqual([from, length, []]);
      // At most two blocks per level and end, plus whole top-level blocks; edges shorter than a week.
      expect(plan.blocks.filter((b) => b.span < 64).length).toBeLessThanOrEqual(12);
      expect(plan.edges.every((e) => e.to.getTime() - e.from.getTime() <= 7 * DAY)).toBe(true);
    }
  });

  it('reads a block-aligned range as its blocks alone, and a one-day range from the reviews', () => {
    const start = EPOCH + 64 * 7 * DAY * 13;
    const plan = planRange(new Date(start), new Date(start + 64 * 7 * DAY));
    expect(plan).toEqual({ blocks: [{ span: 64, start: '2015-12-14', sign: 1 }], edges: [] });
    const day = planRange(new Date(today), new Date(today + DAY));
    expect(day).toEqual({
      blocks: [],
      edges: [{ from: new Date(today), to: new Date(today + DAY), sign: 1 }],
    });
  });
});

describe('the median read from hour buckets', () => {
  const counts = (entries: Record<number, number>) => BUCKET_BOUNDS.map((_, k) => entries[k] ?? 0);

  it('places each middle review evenly inside its bucket and averages the middle two', () => {
    expect(medianOf(counts({}))).toBeNull();
    expect(medianOf(counts({ 4: 1 }))).toBe(5); // one review of 4–6 h
    expect(medianOf(counts({ 4: 2 }))).toBe(5); // two in 4–6 h: at 4.5 and 5.5
    expect(medianOf(counts({ 0: 1, 9: 1 }))).toBe((0.5 + 28) / 2); // under 1 h and 24–32 h
    expect(medianOf(counts({ 7: 3 }))).toBe(14); // 12–16 h: 12.67, 14, 15.33
    expect(medianOf(counts({ 19: 5 }))).toBe(768); // 768 h and more: its lower bound
  });
});

describe('review turnaround from the kept histograms', () => {
  let t: TestApp;
  let reports: ReportsService;
  let chapterA: string;
  let chapterB: string;
  let cohort: Cohort;
  let people: User[];
  let coaches: User[];
  const db = () => t.dataSource.manager;
  const random = randomSource(42);
  let attempt = 0;

  const review = async (organizer: User, coach: User, reviewedAt: number, hours: number) => {
    attempt += 1;
    const [{ id }] = await db().query<{ id: string }[]>(
      `INSERT INTO evidence_submissions (organizer_id, milestone_id, attempt, body, links, status, submitted_at)
       VALUES ($1, $2, $3, 'evidence', '[]', 'changes_requested', $4) RETURNING id`,
      [organizer.id, milestone, attempt, new Date(reviewedAt - hours * HOUR)],
    );
    const [row] = await db().query<{ id: string }[]>(
      `INSERT INTO submission_reviews (submission_id, reviewer_id, decision, created_at)
       VALUES ($1, $2, 'changes_requested', $3) RETURNING id`,
      [id, coach.id, new Date(reviewedAt)],
    );
    return { submissionId: id, reviewId: row.id };
  };
  let milestone: string;

  /** Everyone, each chapter, the cohort × ranges: 3 years, 12 weeks, aligned blocks, a day, a week, odd hours. */
  const filters = (): ReportFilter[] => {
    const aligned16 = EPOCH + Math.floor((today - 300 * DAY - EPOCH) / (112 * DAY)) * 112 * DAY;
    const aligned64 = EPOCH + Math.floor((today - 500 * DAY - EPOCH) / (448 * DAY)) * 448 * DAY;
    const range = (from: number, to: number) => ({ from: new Date(from), to: new Date(to) });
    const ranges = [
      range(today - 3 * 365 * DAY, today),
      range(today - 83 * DAY, today),
      range(aligned16, aligned16 + 111 * DAY),
      range(aligned64, aligned64 + 447 * DAY),
      range(aligned64 + 3 * DAY, aligned64 + 450 * DAY),
      range(today - 200 * DAY, today - 200 * DAY),
      range(today - 400 * DAY, today - 394 * DAY),
      range(today - 28 * DAY - 5 * HOUR, today + 7 * HOUR),
    ];
    const groups = reportGroups(chapterA, chapterB, cohort.id);
    return groups.flatMap((g) => ranges.map((r) => ({ ...g, ...r, trackId: null })));
  };

  const expectAllMatch = async () => {
    for (const f of filters()) await expectTurnaroundMatchesRawReviews(db(), reports, f);
  };

  /** report_turnaround's non-zero counts, to compare with a rebuild from scratch. */
  const KEPT = `SELECT span, start::text, chapter_key, cohort_key, reviewer_id, k, n
         FROM report_turnaround, unnest(ARRAY[${BUCKET_BOUNDS.map((_, k) => `h${k}`).join(', ')}]) WITH ORDINALITY AS c(n, k)
        WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`;

  beforeAll(async () => {
    t = await startTestApp();
    const curriculum = () => testCatalog(t.config.curriculumDir).current();
    reports = new ReportsService(curriculum, 30);
    milestone = [...curriculum().milestoneById.keys()][0];
    chapterA = (await createChapter(db(), { name: 'Turnaround A' })).id;
    chapterB = (await createChapter(db(), { name: 'Turnaround B' })).id;
    cohort = await db().save(db().create(Cohort, { name: 'Turnaround cohort', chapterId: chapterA }));
    people = [];
    for (let i = 0; i < 6; i++)
      people.push(
        await createUser(db(), {
          displayName: `Turnaround organizer ${i}`,
          chapterId: i < 3 ? chapterA : i < 5 ? chapterB : null,
          cohortId: i < 2 ? cohort.id : null,
        }),
      );
    coaches = [];
    for (let i = 0; i < 3; i++)
      coaches.push(await createUser(db(), { role: 'coach', displayName: `Turnaround coach ${i}` }));
    // 160 reviews over three years and a bit, from minutes to six weeks (a few past 768 h).
    for (let i = 0; i < 160; i++) {
      const at = today + DAY - Math.floor(random() * 1200 * DAY);
      const hours = i % 40 === 0 ? 800 + random() * 200 : Math.exp(random() * Math.log(700)) - 0.8;
      await review(people[i % people.length], coaches[Math.floor(random() * 3)], at, hours);
    }
  });
  afterAll(() => t.close());

  it('equal the raw reviews bucketed the same way, for every group and range', async () => {
    const [{ rows }] = await db().query<{ rows: number }[]>(
      'SELECT count(*)::int AS rows FROM report_turnaround',
    );
    expect(rows).toBeGreaterThan(100);
    await expectAllMatch();
  });

  it('still match after withdrawals, corrections, removed reviews and organizers moving', async () => {
    const reviews = await db().query<{ id: string; submission_id: string }[]>(
      `SELECT r.id, r.submission_id FROM submission_reviews r JOIN evidence_submissions s ON s.id = r.submission_id
        WHERE s.organizer_id = ANY($1) ORDER BY r.created_at`,
      [people.map((p) => p.id)],
    );
    // A review withdrawn (kept, marked), a review's date corrected, a submission's time corrected.
    await db().query(
      `UPDATE submission_reviews SET decision = 'approved', withdrawn_at = now(), withdrawn_by_id = $2,
              withdraw_reason = 'mistake' WHERE id = $1`,
      [reviews[3].id, coaches[0].id],
    );
    await db().query(
      `UPDATE submission_reviews SET created_at = created_at - interval '9 days' WHERE id = $1`,
      [reviews[10].id],
    );
    await db().query(`UPDATE submission_reviews SET reviewer_id = $2 WHERE id = $1`, [
      reviews[11].id,
      coaches[2].id,
    ]);
    await db().query(
      `UPDATE evidence_submissions SET submitted_at = submitted_at - interval '30 hours' WHERE id = ANY($1)`,
      [[reviews[20].submission_id, reviews[21].submission_id]],
    );
    // Reviews removed with their rows, and a submission handed to another organizer.
    await db().query('DELETE FROM submission_reviews WHERE id = ANY($1)', [[reviews[30].id, reviews[31].id]]);
    await db().query('UPDATE evidence_submissions SET organizer_id = $2 WHERE id = $1', [
      reviews[40].submission_id,
      people[4].id,
    ]);
    // Organizers move chapter and cohort, one leaves the organizer role and comes back.
    await db().update(User, people[0].id, { chapterId: chapterB, cohortId: null });
    await db().update(User, people[4].id, { chapterId: chapterA, cohortId: cohort.id });
    await db().update(User, people[2].id, { role: 'coach' });
    await expectAllMatch();
    await db().update(User, people[2].id, { role: 'organizer' });
    await db().update(User, people[3].id, { chapterId: null });
    await expectAllMatch();
    await expectRebuildKeepsKept(db(), KEPT, 'SELECT report_rebuild()');
    // A review written after a rebuild in the same transaction is counted (the rebuild's flag is off).
    await t.dataSource.transaction(async (m) => {
      await m.query('SELECT report_rebuild()');
      const [{ id }] = await m.query<{ id: string }[]>(
        `INSERT INTO evidence_submissions (organizer_id, milestone_id, attempt, body, links, status, submitted_at)
         VALUES ($1, $2, 20000, 'evidence', '[]', 'changes_requested', now() - interval '50 hours') RETURNING id`,
        [people[3].id, milestone],
      );
      await m.query(
        `INSERT INTO submission_reviews (submission_id, reviewer_id, decision) VALUES ($1, $2, 'changes_requested')`,
        [id, coaches[2].id],
      );
    });
    await expectAllMatch();
  });

  it('name reviewers who are not active coaches (an admin, a coach made inactive) from their account', async () => {
    const admin = await createUser(db(), { role: 'admin', displayName: 'Turnaround admin' });
    await review(people[1], admin, today - 3 * DAY, 5);
    await db().update(User, coaches[0].id, { active: false });
    await expectAllMatch();
    const got = await reports.reviewTurnaround(db(), {
      chapterId: null,
      cohortId: null,
      trackId: null,
      from: new Date(today - 3 * 365 * DAY),
      to: new Date(today),
    });
    expect(got.perCoach.map((c) => c.coach)).toEqual(
      expect.arrayContaining(['Turnaround admin', 'Turnaround coach 0']),
    );
    await db().update(User, coaches[0].id, { active: true });
  });

  it('add up when one coach is given reviews in the same week from concurrent transactions', async () => {
    const at = today - 2 * DAY;
    await Promise.all(
      [1, 2, 5, 9, 30, 100].map((hours, i) =>
        t.dataSource.transaction(async (m) => {
          const [{ id }] = await m.query<{ id: string }[]>(
            `INSERT INTO evidence_submissions (organizer_id, milestone_id, attempt, body, links, status, submitted_at)
             VALUES ($1, $2, $3, 'evidence', '[]', 'changes_requested', $4) RETURNING id`,
            [people[1].id, milestone, 10_000 + i, new Date(at - hours * HOUR)],
          );
          await m.query(
            `INSERT INTO submission_reviews (submission_id, reviewer_id, decision, created_at)
             VALUES ($1, $2, 'changes_requested', $3)`,
            [id, coaches[1].id, new Date(at)],
          );
          await m.query('SELECT pg_sleep(0.02)');
        }),
      ),
    );
    await expectAllMatch();
  });
});
