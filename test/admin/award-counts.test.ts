import type { User } from '../../src/accounts/user.entity';
import { certificatesAwarded } from '../../src/admin/learner-measures';
import { Certificate } from '../../src/certificates/certificate.entities';
import { certificateKit } from '../certificates/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { countsByChapter, keptByPeriod, recountByPeriod } from '../helpers/kept-counts';

const day = (d: string) => new Date(`${d}T00:00:00Z`);
const FEBRUARY = { from: day('2025-02-01'), to: day('2025-03-01') };
const Q1 = { from: day('2025-01-01'), to: day('2025-04-01') };

describe('certificates awarded kept per month and quarter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const q = <T>(sql: string, params: unknown[] = []) => t.dataSource.query<T[]>(sql, params);
  const m = () => t.dataSource.manager;

  /** Kept counts and a plain recount (current versions by award month and quarter, current chapter). */
  async function expectExact(): Promise<void> {
    const kept = await keptByPeriod(m(), 'award_counts');
    const recounted = await recountByPeriod(m(), {
      count: 'count(*)::int',
      from: 'certificates c JOIN users u ON u.id = c.user_id',
      at: 'c.awarded_at',
      where: 'c.superseded_at IS NULL',
    });
    expect(kept).toEqual(recounted);
    for (const range of [FEBRUARY, Q1, { from: day('2025-02-10'), to: day('2025-03-10') }]) {
      const old = await countsByChapter(
        m(),
        `SELECT u.chapter_id, count(*)::int AS n FROM certificates ce JOIN users u ON u.id = ce.user_id
          WHERE ce.superseded_at IS NULL AND ce.awarded_at >= $1 AND ce.awarded_at < $2 GROUP BY u.chapter_id`,
        [range.from, range.to],
      );
      expect(await certificatesAwarded(m(), range)).toEqual(old);
    }
  }

  it('counts each award once, by the holder’s current chapter, through issue, reissue, re-dating, moves and deletion', async () => {
    const kit = certificateKit(t);
    const north = await createChapter(m());
    const south = await createChapter(m());
    const admin = await createUser(m(), { role: 'admin' });
    const actor = { ...admin, scopeChapterId: null };
    const holders: User[] = [];
    for (const chapterId of [north.id, north.id, null])
      holders.push(await createUser(m(), { chapterId, role: chapterId ? 'organizer' : 'coach' }));
    const certificates: Certificate[] = [];
    for (const holder of holders) certificates.push(await kit.certify(holder.id));
    await expectExact();

    // Re-dated into February (one statement, with a row that does not change).
    await q(
      `UPDATE certificates SET awarded_at = CASE WHEN id <> $2 THEN $1::timestamptz ELSE awarded_at END`,
      [new Date('2025-02-14T12:00:00Z'), certificates[1].id],
    );
    await expectExact();
    expect((await certificatesAwarded(m(), FEBRUARY)).get(north.id)).toBe(1);
    expect((await certificatesAwarded(m(), Q1)).get(null)).toBe(1);

    // A reissue is the same award.
    const replacement = await t.dataSource.transaction((tx) =>
      kit.certificates.reissue(tx, actor, certificates[0].id),
    );
    await expectExact();
    expect((await certificatesAwarded(m(), FEBRUARY)).get(north.id)).toBe(1);

    // A change of chapter moves the person's awards; so does leaving every chapter.
    await q(`UPDATE users SET chapter_id = $1 WHERE id = $2`, [south.id, holders[0].id]);
    await expectExact();
    expect((await certificatesAwarded(m(), FEBRUARY)).get(south.id)).toBe(1);
    await q(`UPDATE users SET chapter_id = NULL WHERE id = $1`, [holders[0].id]);
    await expectExact();
    expect((await certificatesAwarded(m(), Q1)).get(null)).toBe(2);

    // Removed certificates, then the person (their rows restrict deleting them), are counted out.
    const gone = holders[0].id;
    await m().update(Certificate, certificates[0].id, { supersededById: null });
    await q(`DELETE FROM certificates WHERE id = ANY($1)`, [[certificates[0].id, replacement.id]]);
    await expectExact();
    await q(`DELETE FROM milestone_completions WHERE user_id = $1`, [gone]);
    await q(`DELETE FROM users WHERE id = $1`, [gone]);
    await expectExact();
    expect((await certificatesAwarded(m(), Q1)).get(null)).toBe(1);
  });
});
