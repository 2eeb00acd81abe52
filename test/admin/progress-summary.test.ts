import { User } from '../../src/accounts/user.entity';
import { toSessionUser } from '../../src/accounts/users';
import { ReportsService } from '../../src/admin/reports.service';
import { EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { MilestoneCompletion, ModuleRead } from '../../src/curriculum/progress.entities';
import { certificateKit, TRACK_ID } from '../certificates/kit';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { completionsAtOnce, expectKeptEqualsRecomputed, recordCompletion } from '../helpers/kept-counts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** The summaries as the triggers keep them. */
const KEPT = `
  SELECT p.user_id, p.last_activity_at, t.track_id, coalesce(t.completed, 0) AS completed,
         coalesce(t.certified, false) AS certified
    FROM progress_people p LEFT JOIN progress_tracks t ON t.user_id = p.user_id
                            AND (t.completed > 0 OR t.certified)
   ORDER BY 1, 3`;

/** The same figures recomputed the straightforward way, from the source rows. */
const RECOMPUTED = `
  WITH pairs AS (SELECT user_id, track_id FROM milestone_completions
                 UNION SELECT user_id, track_id FROM certificates WHERE superseded_at IS NULL AND revoked_at IS NULL)
  SELECT u.id AS user_id,
         GREATEST(u.last_login_at,
                  (SELECT max(submitted_at) FROM evidence_submissions s WHERE s.organizer_id = u.id),
                  (SELECT max(read_at) FROM module_reads r WHERE r.user_id = u.id),
                  (SELECT max(completed_at) FROM milestone_completions c WHERE c.user_id = u.id)) AS last_activity_at,
         p.track_id,
         (SELECT count(*)::int FROM milestone_completions c WHERE c.user_id = u.id AND c.track_id = p.track_id) AS completed,
         EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = u.id AND ce.track_id = p.track_id
                   AND ce.superseded_at IS NULL AND ce.revoked_at IS NULL) AS certified
    FROM users u LEFT JOIN pairs p ON p.user_id = u.id
   ORDER BY 1, 3`;

describe('per-person progress summaries', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let chapterId: string;
  let people: User[];
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  const expectNoDrift = () => expectKeptEqualsRecomputed(db(), KEPT, RECOMPUTED);

  const complete = (user: User, milestoneId: string, at = new Date()) =>
    recordCompletion(db(), curriculum(), user.id, milestoneId, at);

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    chapterId = (await createChapter(db())).id;
    people = [];
    for (let i = 0; i < 6; i++)
      people.push(
        await createUser(db(), { chapterId, displayName: `Organizer ${i}`, lastLoginAt: ago(40 + i) }),
      );
    await kit.certify(people[0].id);
    await kit.certify(people[1].id);
    for (const [i, id] of kit.milestoneIds.slice(0, 3).entries()) await complete(people[2], id, ago(20 - i));
    await complete(people[3], kit.milestoneIds[0], ago(60));
    await db().insert(ModuleRead, { userId: people[4].id, moduleId: 'some-module', readAt: ago(3) });
    await db().save(
      db().create(EvidenceSubmission, {
        organizerId: people[5].id,
        milestoneId: kit.milestoneIds[0],
        attempt: 1,
        body: 'evidence',
        links: [],
        status: 'pending',
        submittedAt: ago(2),
      }),
    );
  });
  afterAll(() => t.close());

  it('match a recomputation from the source rows after completions, reads, submissions and sign-ins', async () => {
    await db().update(User, people[3].id, { lastLoginAt: ago(1) });
    await expectNoDrift();
    const [row] = await db().query<{ completed: number; certified: boolean }[]>(
      'SELECT completed, certified FROM progress_tracks WHERE user_id = $1 AND track_id = $2',
      [people[0].id, TRACK_ID],
    );
    expect(row).toEqual({ completed: kit.milestoneIds.length, certified: true });
  });

  it('still match after withdrawals and corrections (deleted completions, revocations, moved records)', async () => {
    // An approval withdrawn: the completion goes, and the activity it was the latest of goes with it.
    await db().delete(MilestoneCompletion, { userId: people[2].id, milestoneId: kit.milestoneIds[2] });
    // A certificate revoked, another superseded by a re-issue.
    await db().query(
      `UPDATE certificates SET revoked_at = now(), revoked_reason = 'issued in error' WHERE user_id = $1`,
      [people[0].id],
    );
    await db().query(
      `UPDATE certificates SET superseded_at = now() WHERE user_id = $1 AND superseded_at IS NULL`,
      [people[1].id],
    );
    // A submission withdrawn by its organizer; a reading corrected; a completion moved to another person.
    await db().delete(EvidenceSubmission, { organizerId: people[5].id });
    await db().update(ModuleRead, { userId: people[4].id }, { readAt: ago(30) });
    await db().update(
      MilestoneCompletion,
      { userId: people[3].id, milestoneId: kit.milestoneIds[0] },
      { userId: people[4].id },
    );
    await expectNoDrift();
    const rows = await db().query<{ user_id: string; completed: number; certified: boolean }[]>(
      'SELECT user_id, completed, certified FROM progress_tracks WHERE user_id = ANY($1) AND track_id = $2',
      [[people[0].id, people[1].id, people[3].id], TRACK_ID],
    );
    const byUser = new Map(rows.map((r) => [r.user_id, r]));
    expect(byUser.get(people[0].id)!.certified).toBe(false);
    expect(byUser.get(people[1].id)!.certified).toBe(false);
    expect(byUser.get(people[3].id)!.completed).toBe(0);
  });

  it('stay exact when many transactions change one person at once', async () => {
    const person = await createUser(db(), { chapterId });
    // Each transaction stays open a moment so the others overlap it.
    await Promise.all(completionsAtOnce(t.dataSource, curriculum(), person.id, kit.milestoneIds));
    await expectNoDrift();
  });

  it('give report figures equal to counting the source rows', async () => {
    const reports = new ReportsService(curriculum, 30);
    const admin = await createUser(db(), { role: 'admin' });
    const filter = reports.effectiveFilter(toSessionUser(admin), {
      chapterId,
      cohortId: null,
      trackId: TRACK_ID,
      from: ago(90),
      to: new Date(),
    });
    const funnel = await reports.funnel(db(), filter);
    const [expected] = await db().query<
      { first: number; half: number; certified: number; accounts: number }[]
    >(
      `WITH done AS (
         SELECT u.id, (SELECT count(*) FROM milestone_completions c WHERE c.user_id = u.id AND c.track_id = $2) AS n,
                EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = u.id AND ce.track_id = $2
                          AND ce.superseded_at IS NULL AND ce.revoked_at IS NULL) AS certified
           FROM users u WHERE u.role = 'organizer' AND u.chapter_id = $1)
       SELECT count(*)::int AS accounts, count(*) FILTER (WHERE n >= 1)::int AS first,
              count(*) FILTER (WHERE n * 2 >= $3)::int AS half, count(*) FILTER (WHERE certified)::int AS certified
         FROM done`,
      [chapterId, TRACK_ID, kit.milestoneIds.length],
    );
    expect(funnel.overall).toMatchObject({
      invited: expected.accounts,
      firstMilestone: expected.first,
      halfTrack: expected.half,
      certified: expected.certified,
    });
    expect(expected.first).toBeGreaterThan(0);
  });
});
