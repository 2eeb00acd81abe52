import { Cohort } from '../../src/accounts/cohort.entity';
import { ReportsService, type ReportFilter } from '../../src/admin/reports.service';
import type { Curriculum } from '../../src/curriculum/curriculum.types';
import { User } from '../../src/accounts/user.entity';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { certificateKit } from '../certificates/kit';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { recordCompletion, reportGroups } from '../helpers/kept-counts';

const DAY = 86_400_000;
export const ago = (days: number, hours = 0) => new Date(Date.now() - days * DAY - hours * 3_600_000);

/**
 * A small academy for the stalled list and funnel: organizers in two chapters, a cohort and no
 * chapter, signed in on different days (or never), part-way through tracks, some certified, one
 * deactivated, and a coach; plus the changes (`changes`) the kept summaries must follow.
 */
export async function seedPeople(t: TestApp) {
  const db = t.dataSource.manager;
  const kit = certificateKit(t);
  const curriculum = () => testCatalog(t.config.curriculumDir).current();
  const chapterA = (await createChapter(db, { name: 'Stalled A' })).id;
  const chapterB = (await createChapter(db, { name: 'Stalled B' })).id;
  const cohort = await db.save(db.create(Cohort, { name: 'Stalled cohort', chapterId: chapterA }));
  const people: User[] = [];
  for (let i = 0; i < 12; i++) {
    const person = await createUser(db, {
      displayName: `Person ${String(i).padStart(2, '0')}`,
      chapterId: i % 3 === 0 ? chapterA : i % 3 === 1 ? chapterB : null,
      cohortId: i % 4 === 0 ? cohort.id : null,
    });
    // Signed in 0, 7, 14, … days ago; every fifth never.
    if (i % 5 !== 4) await db.update(User, person.id, { lastLoginAt: ago(i * 7, i) });
    people.push(person);
  }
  const coach = await createUser(db, { role: 'coach', displayName: 'A Coach', chapterId: chapterA });

  const complete = (user: User, milestoneId: string, at: Date) =>
    recordCompletion(db, curriculum(), user.id, milestoneId, at);
  /** Certified long ago: completions and the certificate moved back in time. */
  const certifyLongAgo = async (user: User, days: number) => {
    await kit.certify(user.id);
    await db.query('UPDATE milestone_completions SET completed_at = $2 WHERE user_id = $1', [
      user.id,
      ago(days),
    ]);
  };

  await certifyLongAgo(people[1], 200);
  await certifyLongAgo(people[6], 90);
  for (const [j, id] of kit.milestoneIds.slice(0, 3).entries()) await complete(people[3], id, ago(60 + j));
  await complete(people[8], kit.milestoneIds[0], ago(45));
  await complete(people[10], kit.milestoneIds[1], ago(2));
  // Someone on another track: the first milestone of the first other track.
  const other = curriculum().tracks.find((tr) => tr.id !== kit.track.id)!;
  await complete(people[9], other.modules[0].milestones[0].id, ago(120));
  await db.update(User, people[11].id, { active: false });

  /** Every kind of change the summaries must follow, applied in order. */
  const changes: [string, () => Promise<unknown>][] = [
    [
      'a completion withdrawn',
      () => db.delete(MilestoneCompletion, { userId: people[3].id, milestoneId: kit.milestoneIds[2] }),
    ],
    [
      'a completion date corrected',
      () => db.update(MilestoneCompletion, { userId: people[8].id }, { completedAt: ago(5) }),
    ],
    [
      'a certificate revoked',
      () =>
        db.query(`UPDATE certificates SET revoked_at = now(), revoked_reason = 'error' WHERE user_id = $1`, [
          people[6].id,
        ]),
    ],
    ['a chapter move', () => db.update(User, people[0].id, { chapterId: chapterB, cohortId: null })],
    ['a cohort move', () => db.update(User, people[2].id, { cohortId: cohort.id, chapterId: chapterA })],
    ['a deactivation', () => db.update(User, people[5].id, { active: false })],
    ['a reactivation', () => db.update(User, people[11].id, { active: true })],
    ['a role change', () => db.update(User, people[7].id, { role: 'coach' })],
    [
      'sign-ins today and last week',
      async () => {
        await db.update(User, people[4].id, { lastLoginAt: ago(0) });
        await db.update(User, people[9].id, { lastLoginAt: ago(8) });
      },
    ],
    ['a rename', () => db.update(User, people[10].id, { displayName: 'Aardvark Renamed' })],
    ['a role change back', () => db.update(User, people[7].id, { role: 'organizer' })],
    [
      'a new organizer and a deleted one',
      async () => {
        const gone = await createUser(db, { displayName: 'Short stay', chapterId: chapterA });
        await createUser(db, { displayName: 'Newcomer', chapterId: chapterB, cohortId: cohort.id });
        await db.delete(User, gone.id);
      },
    ],
    ['a newly certified person', () => kit.certify(people[0].id)],
  ];
  return { kit, chapterA, chapterB, cohort, people, coach, other, changes };
}

/**
 * The report filters the kept summaries are compared under: for every track, everyone, each
 * chapter, the cohort, and one chapter's part of the cohort, over the last 30 days.
 */
export function groupFilters(
  seed: { chapterA: string; chapterB: string; cohort: Cohort },
  curriculum: Curriculum,
): ReportFilter[] {
  const groups = [
    ...reportGroups(seed.chapterA, seed.chapterB, seed.cohort.id),
    { chapterId: seed.chapterA, cohortId: seed.cohort.id },
  ];
  return curriculum.tracks.flatMap((track) =>
    groups.map((g) => ({ ...g, trackId: track.id, from: ago(30), to: ago(0) })),
  );
}

/** The seeded academy of a describe block, with the app, its reports service and its curriculum. */
export interface SeededAcademy {
  t: TestApp;
  reports: ReportsService;
  seed: Awaited<ReturnType<typeof seedPeople>>;
}

/**
 * Call inside a `describe`: starts the app and seeds the academy once (`beforeAll`), closes the
 * app afterwards. The fields are set once `beforeAll` has run.
 */
export function seededAcademy(): SeededAcademy {
  const academy = {} as SeededAcademy;
  beforeAll(async () => {
    academy.t = await startTestApp();
    academy.reports = new ReportsService(() => testCatalog(academy.t.config.curriculumDir).current(), 30);
    academy.seed = await seedPeople(academy.t);
  });
  afterAll(() => academy.t.close());
  return academy;
}
