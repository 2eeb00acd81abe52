import { User } from '../../src/accounts/user.entity';
import { CoachAssignment, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { WAITING_SHOWN } from '../../src/coaching/reviewers';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { expectKeptEqualsRecomputed } from '../helpers/kept-counts';

/** The waiting evidence as the triggers keep it, and the same worked out from the source rows. */
const KEPT = `SELECT submission_id AS id, organizer_id, chapter_id, submitted_at
                FROM evidence_waiting_for_admin ORDER BY 1`;
const RECOUNTED = `
  SELECT s.id, s.organizer_id, u.chapter_id, s.submitted_at
    FROM evidence_submissions s JOIN users u ON u.id = s.organizer_id
   WHERE s.status = 'pending'
     AND NOT EXISTS (SELECT 1 FROM coach_assignments a JOIN users c ON c.id = a.coach_id AND c.active
                      WHERE a.organizer_id = s.organizer_id AND a.ended_at IS NULL)
   ORDER BY 1`;

const listedSubmissions = (html: string): string[] =>
  [...html.matchAll(/href="\/coach\/submissions\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe('evidence waiting for an admin, kept by the database', () => {
  let t: TestApp;
  let academyAdmin: User;
  let chapterA: string;
  let chapterB: string;
  const db = () => t.dataSource.manager;
  const milestones = () =>
    testCatalog(t.config.curriculumDir)
      .current()
      .tracks.flatMap((track) => track.modules.flatMap((m) => m.milestones.map((ms) => ms.id)));
  const kept = () => db().query<unknown[]>(KEPT);
  const expectKeptEqualsRecount = () => expectKeptEqualsRecomputed(db(), KEPT, RECOUNTED);

  const evidence = (organizerId: string, submittedAt: Date, status: 'pending' | 'approved' = 'pending') =>
    db().insert(EvidenceSubmission, {
      organizerId,
      milestoneId: milestones()[0],
      attempt: 1,
      body: 'evidence',
      links: [],
      status,
      submittedAt,
    });
  const assign = (organizerId: string, coachId: string) =>
    db().insert(CoachAssignment, { organizerId, coachId, assignedById: academyAdmin.id });

  beforeAll(async () => {
    t = await startTestApp();
    chapterA = (await createChapter(db())).id;
    chapterB = (await createChapter(db())).id;
    academyAdmin = await createUser(db(), { role: 'admin', displayName: 'Academy Admin' });
  });
  afterAll(() => t.close());

  it('stays equal to a recount after evidence, assignments, coaches and chapters change', async () => {
    const coach = await createUser(db(), { role: 'coach', chapterId: chapterA });
    const coached = await createUser(db(), { chapterId: chapterA });
    const alone = await createUser(db(), { chapterId: chapterA });
    const moving = await createUser(db(), { chapterId: chapterA });
    await assign(coached.id, coach.id);
    for (const [i, person] of [coached, alone, moving].entries())
      await evidence(person.id, new Date(Date.UTC(2026, 0, 1 + i)));
    await evidence(coach.id, new Date(Date.UTC(2026, 0, 9)), 'approved');
    const ids = (rows: unknown[]) => (rows as { id: string }[]).map((r) => r.id);
    await expectKeptEqualsRecount();
    // Only the evidence of people without a coach waits for an admin.
    const [coachedEvidence, aloneEvidence] = await Promise.all(
      [coached, alone].map((p) => db().findOneByOrFail(EvidenceSubmission, { organizerId: p.id })),
    );
    expect(ids(await kept())).toContain(aloneEvidence.id);
    expect(ids(await kept())).not.toContain(coachedEvidence.id);

    // The coach is deactivated: their organizer's evidence now waits for an admin.
    await db().update(User, coach.id, { active: false });
    expect(ids(await kept())).toContain(coachedEvidence.id);
    await expectKeptEqualsRecount();
    await db().update(User, coach.id, { active: true });
    expect(ids(await kept())).not.toContain(coachedEvidence.id);

    // Assigning a coach takes evidence out; ending the assignment puts it back.
    await assign(alone.id, coach.id);
    expect(ids(await kept())).not.toContain(aloneEvidence.id);
    await db().query(
      `UPDATE coach_assignments SET ended_at = now(), end_reason = 'moved' WHERE organizer_id = $1`,
      [alone.id],
    );
    expect(ids(await kept())).toContain(aloneEvidence.id);

    // Reviewed evidence leaves; a person's chapter move follows them; deleted evidence leaves.
    await db().update(EvidenceSubmission, aloneEvidence.id, { status: 'approved' });
    expect(ids(await kept())).not.toContain(aloneEvidence.id);
    await db().update(User, moving.id, { chapterId: chapterB });
    const [movingRow] = (await kept()) as { organizer_id: string; chapter_id: string }[];
    expect(movingRow).toMatchObject({ organizer_id: moving.id, chapter_id: chapterB });
    await db().update(User, moving.id, { displayName: 'Renamed, same chapter' });
    await expectKeptEqualsRecount();
    await db().delete(EvidenceSubmission, { organizerId: moving.id });
    expect(await kept()).toEqual([]);
    await expectKeptEqualsRecount();
  });

  it('recounts many organizers at once under a table lock (bulk statements)', async () => {
    const people = await Promise.all([0, 1, 2].map(() => createUser(db(), { chapterId: chapterB })));
    for (const [i, person] of people.entries()) await evidence(person.id, new Date(Date.UTC(2026, 1, 1 + i)));
    await db().query('DELETE FROM evidence_waiting_for_admin');
    // More than the per-organizer lock limit: real organizers among unknown ids.
    await db().query(
      `SELECT evidence_waiting_refresh(ARRAY(SELECT gen_random_uuid() FROM generate_series(1, 1001)) || $1::uuid[])`,
      [people.map((p) => p.id)],
    );
    await expectKeptEqualsRecount();
    expect(await kept()).toHaveLength(3);
    // The set-based rebuild (bulk loads with triggers off) gives the same rows.
    await db().query('DELETE FROM evidence_waiting_for_admin');
    await db().query('SELECT evidence_waiting_rebuild()');
    await expectKeptEqualsRecount();
    expect(await kept()).toHaveLength(3);
    await db().query(`UPDATE evidence_submissions SET status = 'approved' WHERE organizer_id = ANY($1)`, [
      people.map((p) => p.id),
    ]);
    expect(await kept()).toEqual([]);
  });

  it('stays right when evidence and a coach assignment for one person commit concurrently', async () => {
    const coach = await createUser(db(), { role: 'coach' });
    for (let round = 0; round < 5; round++) {
      const person = await createUser(db(), { chapterId: chapterA });
      await Promise.all([
        t.dataSource.transaction(async (m) => {
          await m.insert(EvidenceSubmission, {
            organizerId: person.id,
            milestoneId: milestones()[0],
            attempt: 1,
            body: 'evidence',
            links: [],
            status: 'pending',
          });
          await m.query('SELECT pg_sleep(0.05)');
        }),
        t.dataSource.transaction(async (m) => {
          await m.insert(CoachAssignment, {
            organizerId: person.id,
            coachId: coach.id,
            assignedById: academyAdmin.id,
          });
          await m.query('SELECT pg_sleep(0.05)');
        }),
      ]);
      await expectKeptEqualsRecount();
    }
    // Every one of them has a coach now: nothing of theirs waits for an admin.
    await db().query(`UPDATE evidence_submissions SET status = 'approved' WHERE status = 'pending'`);
    expect(await kept()).toEqual([]);
  });

  it(`lists the oldest ${WAITING_SHOWN} in the admin's scope, never the admin's own`, async () => {
    const scoped = await createUser(db(), { role: 'admin', chapterId: chapterA, scopeChapterId: chapterA });
    const inA: string[] = [];
    for (let i = 0; i < WAITING_SHOWN + 3; i++) {
      const person = await createUser(db(), { chapterId: i % 2 ? chapterA : chapterB });
      await evidence(person.id, new Date(Date.UTC(2025, 0, 1, 0, i)));
      if (i % 2) inA.push((await db().findOneByOrFail(EvidenceSubmission, { organizerId: person.id })).id);
    }
    await evidence(academyAdmin.id, new Date(Date.UTC(2024, 0, 1)));
    const own = await db().findOneByOrFail(EvidenceSubmission, { organizerId: academyAdmin.id });
    const expected = (
      await db().query<{ id: string }[]>(
        `${RECOUNTED.replace('ORDER BY 1', 'AND s.organizer_id <> $1 ORDER BY s.submitted_at, s.id')}`,
        [academyAdmin.id],
      )
    )
      .map((r) => r.id)
      .slice(0, WAITING_SHOWN);

    const page = await (await signedInAgent(t.app, academyAdmin.email)).get('/admin/coach-requests');
    expect(page.status).toBe(200);
    expect(listedSubmissions(page.text)).toEqual(expected);
    expect(listedSubmissions(page.text)).not.toContain(own.id);
    expect(page.text).toContain(`The oldest ${WAITING_SHOWN} are listed`);

    const scopedPage = await (await signedInAgent(t.app, scoped.email)).get('/admin/coach-requests');
    expect(scopedPage.status).toBe(200);
    expect(listedSubmissions(scopedPage.text)).toEqual(inA);
    expect(scopedPage.text).not.toContain('The oldest');
  });
});
