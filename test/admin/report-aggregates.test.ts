import { Cohort } from '../../src/accounts/cohort.entity';
import { User } from '../../src/accounts/user.entity';
import { ReportsService, type ReportFilter } from '../../src/admin/reports.service';
import { weeksBetween } from '../../src/admin/reports.service';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { certificateKit } from '../certificates/kit';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import {
  completionsAtOnce,
  expectRebuildKeepsKept,
  recordCompletion,
  reportGroups,
} from '../helpers/kept-counts';
import { expectTurnaroundMatchesRawReviews } from '../helpers/turnaround-check';

const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(Date.now() - days * DAY - hours * 3_600_000);
const midnight = (d: Date) => new Date(`${d.toISOString().slice(0, 10)}T00:00:00Z`);

/** The report's weekly figures recomputed the straightforward way, from the source rows. */
const RECOMPUTED_WEEKLY = `
  WITH people AS (SELECT id FROM users WHERE role = 'organizer'
                   AND ($1::uuid IS NULL OR chapter_id = $1) AND ($2::uuid IS NULL OR cohort_id = $2)),
  events AS (
    SELECT c.completed_at AS at, 'completed' AS kind, 1 AS n FROM milestone_completions c JOIN people p ON p.id = c.user_id
    UNION ALL SELECT ce.issued_at, 'issued', 1 FROM certificates ce JOIN people p ON p.id = ce.user_id
    UNION ALL SELECT ce.revoked_at, 'revoked', 1 FROM certificates ce JOIN people p ON p.id = ce.user_id WHERE ce.revoked_at IS NOT NULL
    UNION ALL SELECT v.day::timestamp AT TIME ZONE 'UTC', 'verified', v.count
      FROM certificate_verifications v JOIN certificates ce ON ce.id = v.certificate_id JOIN people p ON p.id = ce.user_id)
  SELECT to_char(date_trunc('week', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week, kind, sum(n)::int AS n
    FROM events WHERE at >= $3 AND at < $4 GROUP BY 1, 2`;

/** The aggregate tables as the triggers keep them (zero rows left by deltas do not count). */
const KEPT = `
  SELECT span, start::text, chapter_key, cohort_key, measure, n FROM report_counts WHERE n <> 0
   UNION ALL SELECT 0, created_at::text, chapter_key, cohort_key, 0, round(hours * 1000)::int FROM report_reviews
   UNION ALL SELECT span + 100, start::text || ' ' || reviewer_id, chapter_key, cohort_key, k, n
     FROM report_turnaround, unnest(ARRAY[h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15, h16, h17, h18, h19])
          WITH ORDINALITY AS c(n, k) WHERE n <> 0
   ORDER BY 1, 2, 3, 4, 5, 6`;

describe('report aggregates (weekly counts and review turnaround)', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let reports: ReportsService;
  let chapterA: string;
  let chapterB: string;
  let cohort: Cohort;
  let people: User[];
  let coaches: User[];
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  const complete = (user: User, milestoneId: string, at: Date) =>
    recordCompletion(db(), curriculum(), user.id, milestoneId, at);

  const review = async (
    organizer: User,
    coach: User,
    milestoneId: string,
    submitted: Date,
    reviewed: Date,
  ) => {
    const [{ id }] = await db().query<{ id: string }[]>(
      `INSERT INTO evidence_submissions (organizer_id, milestone_id, attempt, body, links, status, submitted_at)
       VALUES ($1, $2, 1, 'evidence', '[]', 'approved', $3) RETURNING id`,
      [organizer.id, milestoneId, submitted],
    );
    await db().query(
      `INSERT INTO submission_reviews (submission_id, reviewer_id, decision, created_at) VALUES ($1, $2, 'approved', $3)`,
      [id, coach.id, reviewed],
    );
    return id;
  };

  /** Filters to compare: everyone, each chapter, the cohort; ranges not aligned to weeks, and three years. */
  const filters = (): ReportFilter[] => {
    const ranges = [
      { from: midnight(ago(83)), to: midnight(ago(0)) },
      { from: midnight(ago(40)), to: midnight(ago(12)) },
      { from: midnight(ago(3 * 365)), to: midnight(ago(0)) },
      { from: midnight(ago(9)), to: midnight(ago(5)) },
    ];
    const groups = reportGroups(chapterA, chapterB, cohort.id);
    return groups.flatMap((g) => ranges.map((r) => ({ ...g, ...r, trackId: null })));
  };

  const expectReportsEqualRecomputation = async () => {
    for (const f of filters()) {
      const params = [f.chapterId, f.cohortId, f.from, new Date(f.to.getTime() + DAY)];
      const weekly = await db().query<{ week: string; kind: string; n: number }[]>(RECOMPUTED_WEEKLY, params);
      const get = (week: string, kind: string) =>
        weekly.find((r) => r.week === week && r.kind === kind)?.n ?? 0;
      const weeks = weeksBetween(f.from, f.to);
      expect(await reports.milestonesPerWeek(db(), f)).toEqual(
        weeks.map((week) => ({ week, completed: get(week, 'completed') })),
      );
      expect(await reports.certificatesPerWeek(db(), f)).toEqual(
        weeks.map((week) => ({
          week,
          issued: get(week, 'issued'),
          revoked: get(week, 'revoked'),
          verified: get(week, 'verified'),
        })),
      );
      await expectTurnaroundMatchesRawReviews(db(), reports, f);
    }
    // And the kept tables equal a rebuild from scratch.
    await expectRebuildKeepsKept(db(), KEPT, 'SELECT report_rebuild()');
  };

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    reports = new ReportsService(curriculum, 30);
    chapterA = (await createChapter(db(), { name: 'Aggregates A' })).id;
    chapterB = (await createChapter(db(), { name: 'Aggregates B' })).id;
    cohort = await db().save(db().create(Cohort, { name: 'Aggregates cohort', chapterId: chapterA }));
    people = [];
    for (let i = 0; i < 6; i++)
      people.push(
        await createUser(db(), {
          displayName: `Aggregated ${i}`,
          chapterId: i < 4 ? chapterA : i === 4 ? chapterB : null,
          cohortId: i < 2 ? cohort.id : null,
        }),
      );
    coaches = [
      await createUser(db(), { role: 'coach', displayName: 'Coach Early', chapterId: chapterA }),
      await createUser(db(), { role: 'coach', displayName: 'Coach Late', chapterId: chapterB }),
    ];
    await kit.certify(people[0].id);
    await kit.certify(people[4].id);
    const ids = kit.milestoneIds;
    for (const [i, person] of people.entries())
      if (i !== 0 && i !== 4)
        for (const [j, id] of ids.slice(0, 1 + (i % 3)).entries())
          await complete(person, id, ago(3 + i * 11 + j * 5, i));
    await complete(people[5], ids[ids.length - 1], ago(400));
    for (const [i, person] of people.entries()) {
      await review(person, coaches[i % 2], ids[0], ago(20 + i * 9, 5), ago(20 + i * 9, i * 7 - 30));
      await review(person, coaches[(i + 1) % 2], ids[1], ago(50 + i, 2), ago(49 + i, i));
    }
    await db().query(
      `INSERT INTO certificate_verifications (certificate_id, day, channel, count)
       SELECT id, (now() AT TIME ZONE 'UTC')::date - d, 'page', d + 1 FROM certificates, generate_series(0, 20, 4) AS d`,
    );
  });
  afterAll(() => t.close());

  it('give the same figures as a recomputation from the source rows, for every group and range', async () => {
    const [{ n }] = await db().query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM report_counts WHERE n <> 0',
    );
    expect(n).toBeGreaterThan(20);
    await expectReportsEqualRecomputation();
  });

  it('still match after withdrawals, corrections, revocations, new verifications and people moving', async () => {
    const ids = kit.milestoneIds;
    // An approval withdrawn: its completion goes.
    await db().delete(MilestoneCompletion, { userId: people[2].id, milestoneId: ids[0] });
    // A completion date corrected, and a completion moved to another person.
    await db().update(
      MilestoneCompletion,
      { userId: people[1].id, milestoneId: ids[0] },
      { completedAt: ago(70) },
    );
    await db().update(
      MilestoneCompletion,
      { userId: people[3].id, milestoneId: ids[1] },
      { userId: people[5].id },
    );
    // A certificate revoked; more verifications counted the way the view counter adds them.
    await db().query(`UPDATE certificates SET revoked_at = $2, revoked_reason = 'error' WHERE user_id = $1`, [
      people[0].id,
      ago(2),
    ]);
    await db().query(
      `INSERT INTO certificate_verifications (certificate_id, day, channel, count)
       SELECT id, (now() AT TIME ZONE 'UTC')::date, 'page', 5 FROM certificates
       ON CONFLICT (certificate_id, day, channel) DO UPDATE SET count = certificate_verifications.count + EXCLUDED.count`,
    );
    // A submission's date corrected; a review withdrawn (kept, marked) and one review removed.
    await db().query(
      `UPDATE evidence_submissions SET submitted_at = submitted_at - interval '3 hours' WHERE organizer_id = $1`,
      [people[1].id],
    );
    await db().query(
      `UPDATE submission_reviews SET withdrawn_at = now(), withdrawn_by_id = $2, withdraw_reason = 'mistake'
        WHERE submission_id IN (SELECT id FROM evidence_submissions WHERE organizer_id = $1)`,
      [people[2].id, coaches[0].id],
    );
    // People move: chapter, cohort, a role change there and back, and out of any chapter.
    await db().update(User, people[1].id, { chapterId: chapterB, cohortId: null });
    await db().update(User, people[4].id, { chapterId: chapterA, cohortId: cohort.id });
    await db().update(User, people[2].id, { role: 'coach' });
    await expectReportsEqualRecomputation();
    await db().update(User, people[2].id, { role: 'organizer' });
    await db().update(User, people[3].id, { chapterId: null });
    await expectReportsEqualRecomputation();
  });

  it('stay exact when one person moves while their completions are being recorded', async () => {
    const person = await createUser(db(), { chapterId: chapterA, displayName: 'Busy mover' });
    await Promise.all([
      ...completionsAtOnce(t.dataSource, curriculum(), person.id, kit.milestoneIds),
      t.dataSource.transaction(async (m) => {
        await m.update(User, person.id, { chapterId: chapterB });
        await m.query('SELECT pg_sleep(0.02)');
      }),
    ]);
    await expectReportsEqualRecomputation();
  });
});
