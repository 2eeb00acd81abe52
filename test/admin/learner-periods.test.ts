import { activeLearners } from '../../src/admin/learner-measures';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { countsByChapter, keptByPeriod, periodStartSql, recountByPeriod } from '../helpers/kept-counts';

const at = (iso: string) => new Date(iso);
const day = (d: string) => new Date(`${d}T00:00:00Z`);
const RANGES = {
  january: { from: day('2025-01-01'), to: day('2025-02-01') },
  february: { from: day('2025-02-01'), to: day('2025-03-01') },
  march: { from: day('2025-03-01'), to: day('2025-04-01') },
  april: { from: day('2025-04-01'), to: day('2025-05-01') },
  q1: { from: day('2025-01-01'), to: day('2025-04-01') },
  q2: { from: day('2025-04-01'), to: day('2025-07-01') },
};

describe('active learners kept per month and quarter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const q = <T>(sql: string, params: unknown[] = []) => t.dataSource.query<T[]>(sql, params);
  let milestone = 0;

  async function complete(userId: string, iso: string): Promise<string> {
    milestone += 1;
    const [row] = await q<{ id: string }>(
      `INSERT INTO milestone_completions (user_id, milestone_id, module_id, track_id, source, completed_at)
       VALUES ($1, $2, 'people-first', 'civic-tech-organizer', 'admin', $3) RETURNING id`,
      [userId, `kept-counts-${milestone}`, at(iso)],
    );
    return row.id;
  }

  /** Every kept count, as "span|start|chapter" → n (zero rows left out). */
  const kept = () => keptByPeriod(t.dataSource.manager, 'learner_counts');

  /** The same, recounted the plain way: distinct people per whole month and quarter, by current chapter. */
  const recounted = () =>
    recountByPeriod(t.dataSource.manager, {
      count: 'count(DISTINCT c.user_id)::int',
      from: 'milestone_completions c JOIN users u ON u.id = c.user_id',
      at: 'c.completed_at',
    });

  /** The old report query for one range: count(DISTINCT person) per current chapter. */
  const oldQuery = (range: { from: Date; to: Date }) =>
    countsByChapter(
      t.dataSource.manager,
      `SELECT u.chapter_id, count(DISTINCT c.user_id)::int AS n
         FROM milestone_completions c JOIN users u ON u.id = c.user_id
        WHERE c.completed_at >= $1 AND c.completed_at < $2 GROUP BY u.chapter_id`,
      [range.from, range.to],
    );

  /** Kept counts equal the recount, and the measure answers as the old query did, for every range. */
  async function expectExact(): Promise<void> {
    expect(await kept()).toEqual(await recounted());
    const periods = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM learner_periods p
         FULL JOIN (SELECT user_id, s.span, ${periodStartSql('completed_at')} AS start, count(*)::int AS n
                      FROM milestone_completions CROSS JOIN (VALUES (1), (3)) AS s(span) GROUP BY 1, 2, 3) r
           USING (user_id, span, start)
        WHERE p.completions IS DISTINCT FROM r.n`,
    );
    expect(periods[0].n).toBe(0);
    for (const range of Object.values(RANGES))
      expect(await activeLearners(t.dataSource.manager, range)).toEqual(await oldQuery(range));
  }

  it('counts each person once per month and quarter, by chapter and with no chapter, as completions come and go', async () => {
    const north = await createChapter(t.dataSource.manager);
    const south = await createChapter(t.dataSource.manager);
    const ann = await createUser(t.dataSource.manager, { chapterId: north.id });
    const ben = await createUser(t.dataSource.manager, { chapterId: north.id, role: 'coach' });
    const cat = await createUser(t.dataSource.manager, { chapterId: null });
    const annJan = await complete(ann.id, '2025-01-31T23:59:59Z');
    await complete(ann.id, '2025-01-02T10:00:00Z');
    const annFeb = await complete(ann.id, '2025-02-01T00:00:00Z');
    await complete(ben.id, '2025-01-15T12:00:00Z');
    const catMar = await complete(cat.id, '2025-03-03T12:00:00Z');
    await expectExact();
    expect((await activeLearners(t.dataSource.manager, RANGES.january)).get(north.id)).toBe(2);
    expect((await activeLearners(t.dataSource.manager, RANGES.q1)).get(north.id)).toBe(2);
    expect((await activeLearners(t.dataSource.manager, RANGES.q1)).get(null)).toBe(1);

    // Withdrawn: one of two in a month keeps the person there; the only one takes them out.
    await q(`DELETE FROM milestone_completions WHERE id = $1`, [annJan]);
    await expectExact();
    await q(`DELETE FROM milestone_completions WHERE id = $1`, [annFeb]);
    await expectExact();
    expect((await activeLearners(t.dataSource.manager, RANGES.february)).get(north.id)).toBeUndefined();

    // Re-dated into another quarter, and moved to someone else, in one statement with an unchanged row.
    await q(
      `UPDATE milestone_completions SET completed_at = CASE WHEN id = $1 THEN $2::timestamptz ELSE completed_at END,
              user_id = CASE WHEN id = $1 THEN $3::uuid ELSE user_id END
        WHERE user_id IN ($4, $3)`,
      [catMar, at('2025-04-10T08:00:00Z'), ann.id, cat.id],
    );
    await expectExact();
    expect((await activeLearners(t.dataSource.manager, RANGES.q2)).get(north.id)).toBe(1);
    expect((await activeLearners(t.dataSource.manager, RANGES.q1)).get(null)).toBeUndefined();

    // A change of chapter moves all the person's periods; so does leaving every chapter.
    await q(`UPDATE users SET chapter_id = $1 WHERE id = $2`, [south.id, ann.id]);
    await expectExact();
    expect((await activeLearners(t.dataSource.manager, RANGES.january)).get(south.id)).toBe(1);
    await q(`UPDATE users SET chapter_id = NULL WHERE id IN ($1, $2)`, [ben.id, cat.id]);
    await expectExact();
    expect((await activeLearners(t.dataSource.manager, RANGES.january)).get(null)).toBe(1);

    // A person deleted (their completions first: the completions restrict it) is counted out.
    await q(`DELETE FROM milestone_completions WHERE user_id = $1`, [ben.id]);
    await q(`DELETE FROM users WHERE id = $1`, [ben.id]);
    await expectExact();
    expect(await q(`SELECT 1 FROM learner_periods WHERE user_id = $1`, [ben.id])).toEqual([]);
  });

  it('a person deleted while their periods are still kept is taken out of the counts', async () => {
    const chapter = await createChapter(t.dataSource.manager);
    const dee = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    await complete(dee.id, '2025-02-10T12:00:00Z');
    // Completions restrict deleting a person; without them (a bulk removal that skips the
    // triggers) the periods may still be there, and the person's delete counts them out.
    await q(`ALTER TABLE milestone_completions DISABLE TRIGGER learner_periods_after_delete`);
    try {
      await q(`DELETE FROM milestone_completions WHERE user_id = $1`, [dee.id]);
    } finally {
      await q(`ALTER TABLE milestone_completions ENABLE TRIGGER learner_periods_after_delete`);
    }
    expect((await activeLearners(t.dataSource.manager, RANGES.february)).get(chapter.id)).toBe(1);
    await q(`DELETE FROM users WHERE id = $1`, [dee.id]);
    expect((await activeLearners(t.dataSource.manager, RANGES.february)).get(chapter.id)).toBeUndefined();
    await expectExact();
  });

  it('counts a person once when two completions of theirs in one month are recorded at the same time', async () => {
    const chapter = await createChapter(t.dataSource.manager);
    const eve = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    const first = t.dataSource.createQueryRunner();
    const second = t.dataSource.createQueryRunner();
    try {
      await first.startTransaction();
      await second.startTransaction();
      const insert = (runner: typeof first, n: number) =>
        runner.query(
          `INSERT INTO milestone_completions (user_id, milestone_id, module_id, track_id, source, completed_at)
           VALUES ($1, $2, 'people-first', 'civic-tech-organizer', 'admin', $3)`,
          [eve.id, `concurrent-${n}`, at(`2025-04-0${n}T12:00:00Z`)],
        );
      await insert(first, 1);
      const waiting = insert(second, 2); // waits for the person's lock
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.commitTransaction();
      await waiting;
      await second.commitTransaction();
    } finally {
      await first.release();
      await second.release();
    }
    expect((await activeLearners(t.dataSource.manager, RANGES.april)).get(chapter.id)).toBe(1);
    expect((await activeLearners(t.dataSource.manager, RANGES.q2)).get(chapter.id)).toBe(1);
    const [row] = await q<{ completions: number }>(
      `SELECT completions FROM learner_periods WHERE user_id = $1 AND span = 1`,
      [eve.id],
    );
    expect(row.completions).toBe(2);
    await expectExact();
  });

  it('a completion recorded while the person moves chapter is counted under the chapter they end in', async () => {
    const from = await createChapter(t.dataSource.manager);
    const to = await createChapter(t.dataSource.manager);
    const gil = await createUser(t.dataSource.manager, { chapterId: from.id });
    await complete(gil.id, '2025-01-20T12:00:00Z');
    const mover = t.dataSource.createQueryRunner();
    try {
      await mover.startTransaction();
      await mover.query(`UPDATE users SET chapter_id = $1 WHERE id = $2`, [to.id, gil.id]);
      const completing = complete(gil.id, '2025-02-20T12:00:00Z'); // waits for the person's lock
      await new Promise((resolve) => setTimeout(resolve, 200));
      await mover.commitTransaction();
      await completing;
    } finally {
      await mover.release();
    }
    expect((await activeLearners(t.dataSource.manager, RANGES.february)).get(to.id)).toBe(1);
    expect((await activeLearners(t.dataSource.manager, RANGES.q1)).get(to.id)).toBe(1);
    expect((await activeLearners(t.dataSource.manager, RANGES.q1)).get(from.id)).toBeUndefined();
    await expectExact();
  });

  it('a range that is not a whole month or quarter is counted from the completions', async () => {
    const chapter = await createChapter(t.dataSource.manager);
    const fay = await createUser(t.dataSource.manager, { chapterId: chapter.id });
    await complete(fay.id, '2025-05-20T12:00:00Z');
    const range = { from: day('2025-05-15'), to: day('2025-06-15') };
    expect((await activeLearners(t.dataSource.manager, range)).get(chapter.id)).toBe(1);
    expect(await activeLearners(t.dataSource.manager, range)).toEqual(await oldQuery(range));
  });
});
