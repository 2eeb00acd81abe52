import { CoachAssignment, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { Cohort } from '../../src/accounts/cohort.entity';
import { User } from '../../src/accounts/user.entity';
import { ReportsService, weekOf } from '../../src/admin/reports.service';
import { WorkshopAttendance, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { certificateKit } from '../certificates/kit';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe('reports on an empty academy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('renders every section without dividing by zero or drawing broken charts', async () => {
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const page = await (await signedInAgent(t.app, admin.email)).get('/admin/reports');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/NaN|Infinity|undefined/);
    expect(page.text).toContain('No data for milestones completed per week in this range.');
    expect(page.text).toContain('fill rate <strong>—</strong>');
    expect(page.text).toContain('Median over 0 reviews: <strong>—</strong>');
    expect(page.text).not.toContain('<svg class="chart"');
  });
});

describe('reports on a hand-built program', () => {
  let t: TestApp;
  let reports: ReportsService;
  let chapterA: string;
  let chapterB: string;
  let cohort: Cohort;
  let people: Record<'o1' | 'o2' | 'o3' | 'o4' | 'other', User>;
  let coach1: User;
  let coach2: User;
  let admin: User;
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  beforeAll(async () => {
    t = await startTestApp();
    reports = new ReportsService(curriculum, 30);
    const kit = certificateKit(t);
    chapterA = (await createChapter(db(), { name: 'Chapter A' })).id;
    chapterB = (await createChapter(db(), { name: 'Chapter B' })).id;
    cohort = await db().save(db().create(Cohort, { name: 'Spring 2027', chapterId: chapterA }));
    const organizer = (name: string, lastLoginAt: Date | null, chapterId = chapterA) =>
      createUser(db(), { displayName: name, chapterId, cohortId: cohort.id, lastLoginAt });
    people = {
      o1: await organizer('One Certified', ago(1)),
      o2: await organizer('Two Halfway', ago(10)),
      o3: await organizer('Three Started', ago(5)),
      o4: await organizer('Four Silent', null),
      other: await organizer('Other Chapter', ago(1), chapterB),
    };
    await db().update(User, people.other.id, { cohortId: null });
    admin = await createUser(db(), { role: 'admin' });
    await db().query(
      `INSERT INTO invites (email, role, chapter_id, cohort_id, token_hash, invited_by_id, expires_at)
       VALUES ('pending@example.org', 'organizer', $1, $2, 'hash-pending', $3, now() + interval '7 days')`,
      [chapterA, cohort.id, admin.id],
    );
    await kit.certify(people.o1.id);
    const ids = kit.milestoneIds;
    const complete = async (user: User, milestoneIds: string[], at: Date) => {
      for (const milestoneId of milestoneIds) {
        const found = curriculum().milestoneById.get(milestoneId)!;
        await db().query(
          `INSERT INTO milestone_completions (user_id, milestone_id, module_id, track_id, source, completed_at)
           VALUES ($1, $2, $3, $4, 'coach', $5)`,
          [user.id, milestoneId, found.module.id, found.module.trackId, at],
        );
      }
    };
    await complete(people.o2, ids.slice(0, Math.ceil(ids.length / 2)), ago(14));
    await complete(people.o3, ids.slice(0, 1), ago(7));
    await complete(people.other, ids.slice(0, 3), ago(7));

    coach1 = await createUser(db(), {
      role: 'coach',
      displayName: 'Coach One',
      chapterId: chapterA,
      coachCapacity: 8,
    });
    coach2 = await createUser(db(), { role: 'coach', displayName: 'Coach Two', chapterId: chapterA });
    for (const o of [people.o2, people.o3])
      await db().insert(CoachAssignment, { organizerId: o.id, coachId: coach1.id, assignedById: admin.id });
    const review = async (coach: User, hours: number, milestoneIndex: number) => {
      const submittedAt = ago(3);
      const submission = await db().save(
        db().create(EvidenceSubmission, {
          organizerId: people.o2.id,
          milestoneId: ids[milestoneIndex],
          attempt: 1,
          body: 'evidence',
          links: [],
          status: 'approved',
          submittedAt,
        }),
      );
      await db().query(
        `INSERT INTO submission_reviews (submission_id, reviewer_id, decision, feedback, created_at)
         VALUES ($1, $2, 'approved', 'ok', $3)`,
        [submission.id, coach.id, new Date(submittedAt.getTime() + hours * 3_600_000)],
      );
    };
    await review(coach1, 2, 0);
    await review(coach1, 4, 1);
    await review(coach1, 10, 2);
    await review(coach2, 24, 3);

    const workshops = new WorkshopsService(curriculum, t.config.baseUrl);
    const start = new Date(Date.now() + DAY);
    const workshop = await t.dataSource.transaction((m) =>
      workshops.create(m, admin, {
        title: 'Hack night',
        description: '',
        milestoneIds: [],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3_600_000),
        timeZone: 'UTC',
        location: '',
        onlineUrl: null,
        capacity: 10,
        chapterId: chapterA,
      }),
    );
    await db().query('UPDATE workshops SET starts_at = $2, ends_at = $3 WHERE id = $1', [
      workshop.id,
      ago(2),
      new Date(ago(2).getTime() + 3_600_000),
    ]);
    const attendees = [people.o1, people.o2, people.o3, people.o4];
    for (const p of attendees)
      await db().insert(WorkshopRegistration, {
        workshopId: workshop.id,
        userId: p.id,
        status: 'registered',
      });
    for (const p of attendees.slice(0, 3))
      await db().insert(WorkshopAttendance, {
        workshopId: workshop.id,
        userId: p.id,
        status: 'present',
        markedById: admin.id,
      });
    await db().insert(WorkshopAttendance, {
      workshopId: workshop.id,
      userId: people.other.id,
      status: 'present',
      walkIn: true,
      markedById: admin.id,
    });
  });
  afterAll(() => t.close());

  const filter = (overrides: Partial<Parameters<ReportsService['effectiveFilter']>[1]> = {}) =>
    reports.effectiveFilter(admin, {
      chapterId: chapterA,
      cohortId: null,
      trackId: null,
      from: ago(28),
      to: new Date(),
      ...overrides,
    });

  it('counts the funnel step by step, per chapter and per cohort', async () => {
    const funnel = await reports.funnel(db(), filter());
    expect(funnel.overall).toEqual({ invited: 5, active: 3, firstMilestone: 3, halfTrack: 2, certified: 1 });
    expect(funnel.byCohort).toEqual([
      {
        key: cohort.id,
        name: 'Spring 2027',
        funnel: { invited: 5, active: 3, firstMilestone: 3, halfTrack: 2, certified: 1 },
      },
    ]);
    const all = await reports.funnel(db(), filter({ chapterId: null }));
    expect(all.byChapter.map((r) => [r.name, r.funnel.invited, r.funnel.firstMilestone])).toEqual([
      ['Chapter A', 5, 3],
      ['Chapter B', 1, 1],
    ]);
  });

  it('counts milestones per week, in weeks that start on Monday, with empty weeks as zero', async () => {
    const weeks = await reports.milestonesPerWeek(db(), filter());
    const byWeek = Object.fromEntries(weeks.map((w) => [w.week, w.completed]));
    const half = Math.ceil(kit().milestoneIds.length / 2);
    expect(byWeek[weekOf(ago(14))]).toBe(half);
    expect(byWeek[weekOf(ago(7))]).toBe(1);
    expect(weeks.reduce((sum, w) => sum + w.completed, 0)).toBe(half + 1 + kit().milestoneIds.length);
    expect(weeks.every((w) => new Date(`${w.week}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
  });

  it('computes the median review time overall and per coach, to within one hour bucket', async () => {
    // Reviews took 2, 4 and 10 h (Coach One) and 24 h (Coach Two): exact medians 7, 4 and 24 h.
    // Each review is placed in the middle of its bucket (2–3, 4–6, 8–12, 24–32 h), so the report
    // shows (5 + 10) / 2 = 7.5 overall, 5 for Coach One and 28 for Coach Two.
    const turnaround = await reports.reviewTurnaround(db(), filter());
    expect(turnaround.overall).toEqual({ reviews: 4, medianHours: 7.5 });
    expect(turnaround.perCoach).toEqual([
      { coach: 'Coach Two', reviews: 1, medianHours: 28 },
      { coach: 'Coach One', reviews: 3, medianHours: 5 },
    ]);
  });

  it('shows coach load against capacity, workshop fill and attendance', async () => {
    const load = await reports.coachLoad(db(), filter());
    expect(load.find((c) => c.coach === 'Coach One')).toEqual({
      coach: 'Coach One',
      organizers: 2,
      capacity: 8,
      load: 0.25,
    });
    const workshops = await reports.workshops(db(), filter());
    expect(workshops).toMatchObject({ count: 1, fillRate: 0.4, attendanceRate: 0.75 });
    expect(workshops.rows[0]).toMatchObject({ registered: 4, attended: 3, walk_ins: 1 });
  });

  it('counts certificates issued per week and lists stalled organizers with their coach', async () => {
    const certificates = await reports.certificatesPerWeek(db(), filter());
    expect(certificates.reduce((sum, w) => sum + w.issued, 0)).toBe(1);
    expect(certificates.reduce((sum, w) => sum + w.revoked, 0)).toBe(0);
    const stalled = await reports.stalled(db(), filter());
    expect(stalled.map((s) => [s.name, s.coach, s.last_activity])).toEqual([['Four Silent', null, null]]);
  });

  it('pins chapter-scoped admins to their chapter on the page', async () => {
    const scoped = await createUser(db(), { role: 'admin', scopeChapterId: chapterB });
    const agent = await signedInAgent(t.app, scoped.email);
    const page = await agent.get(`/admin/reports?chapterId=${chapterA}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Chapter A');
    expect(page.text).not.toContain('Four Silent');
    expect(page.text).toMatch(/<th scope="row">Invited<\/th><td>1<\/td>/);
  });

  it('keeps filters in a shareable URL and renders charts with their numbers', async () => {
    const page = await (
      await signedInAgent(t.app, admin.email)
    ).get(`/admin/reports?chapterId=${chapterA}&cohortId=${cohort.id}&from=2000-01-01&to=1999-01-01`);
    expect(page.text).toContain('The start date was after the end date; they were swapped.');
    expect(page.text).toContain(`chapterId=${chapterA}&amp;cohortId=${cohort.id}`);
    expect(page.text).toContain('<svg class="chart"');
    expect(page.text).toContain('<title id="chart-funnel-title">Funnel</title>');
    expect(page.text).toContain('Invited: 5; Active (signed in within 30 days): 3');
  });

  function kit() {
    return certificateKit(t);
  }
});
