import { User } from '../../src/accounts/user.entity';
import { CoachAssignment, CoachRequest, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { COACH_PAGE_SIZE } from '../../src/coaching/coach-ranking';
import { REQUESTS_PAGE_SIZE } from '../../src/coaching/request-page';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

/** The coach loads as the triggers keep them, and the same recounted from the source rows. */
const KEPT = `SELECT coach_id, chapter_id, display_name, capacity, active, waiting FROM coach_loads ORDER BY 1`;
const RECOUNTED = `
  SELECT u.id AS coach_id, u.chapter_id, u.display_name, u.coach_capacity AS capacity,
         (SELECT count(*)::int FROM coach_assignments a WHERE a.coach_id = u.id AND a.ended_at IS NULL) AS active,
         (SELECT count(*)::int FROM evidence_submissions s
            JOIN coach_assignments a ON a.organizer_id = s.organizer_id AND a.ended_at IS NULL
           WHERE a.coach_id = u.id AND s.status = 'pending') AS waiting
    FROM users u WHERE u.role = 'coach' AND u.active ORDER BY 1`;

const namesOn = (html: string): string[] =>
  [...html.matchAll(/<label for="coach-[0-9a-f-]+">([^<(]+?)(?: \(|<\/label>)/g)].map((m) => m[1].trim());
const link = (html: string, rel: 'next' | 'prev'): string | null =>
  html.match(new RegExp(`<a href="([^"]+)" rel="${rel}">`))?.[1].replace(/&amp;/g, '&') ?? null;

describe('coach ranking and coach requests, paged by keyset', () => {
  let t: TestApp;
  let admin: Agent;
  let organizer: User;
  let chapterA: string;
  let chapterB: string;
  const db = () => t.dataSource.manager;
  const milestone = () => testCatalog(t.config.curriculumDir).current().tracks[0].modules[0].milestones[0].id;

  beforeAll(async () => {
    t = await startTestApp();
    chapterA = (await createChapter(db())).id;
    chapterB = (await createChapter(db())).id;
    organizer = await createUser(db(), { chapterId: chapterA, displayName: 'Ranked Organizer' });
    const adminUser = await createUser(db(), { role: 'admin' });
    admin = await signedInAgent(t.app, adminUser.email);
    for (let i = 0; i < 45; i++) {
      const coach = await createUser(db(), {
        role: 'coach',
        displayName: `Coach ${String(i).padStart(2, '0')}`,
        chapterId: i % 3 === 0 ? chapterA : chapterB,
        coachCapacity: 3 + (i % 4),
      });
      for (let j = 0; j < i % 3; j++) {
        const coached = await createUser(db(), { chapterId: chapterB });
        await db().insert(CoachAssignment, {
          coachId: coach.id,
          organizerId: coached.id,
          assignedById: adminUser.id,
        });
        if (j === 0)
          await db().insert(EvidenceSubmission, {
            organizerId: coached.id,
            milestoneId: milestone(),
            attempt: 1,
            body: 'evidence',
            links: [],
            status: 'pending',
          });
      }
    }
  });
  afterAll(() => t.close());

  it('keeps each coach load equal to a recount after assignments, evidence and coach changes', async () => {
    expect(await db().query(KEPT)).toEqual(await db().query(RECOUNTED));
    const [coach] = await db().find(User, {
      where: { role: 'coach' },
      take: 1,
      order: { displayName: 'ASC' },
    });
    await db().update(User, coach.id, { coachCapacity: 9, displayName: 'Coach 00 renamed' });
    await db()
      .query(`UPDATE evidence_submissions SET status = 'approved' WHERE status = 'pending' AND organizer_id IN
      (SELECT organizer_id FROM coach_assignments WHERE coach_id IN (SELECT id FROM users WHERE display_name = 'Coach 02'))`);
    await db().query(`UPDATE coach_assignments SET ended_at = now(), end_reason = 'moved'
      WHERE coach_id IN (SELECT id FROM users WHERE display_name = 'Coach 04')`);
    await db().update(User, { displayName: 'Coach 05' }, { active: false });
    expect(await db().query(KEPT)).toEqual(await db().query(RECOUNTED));
  });

  it('pages the ranking in order with next and previous links, stable while coaches are added', async () => {
    const path = `/admin/people/${organizer.id}/coach`;
    const first = await admin.get(path);
    expect(first.status).toBe(200);
    const page1 = namesOn(first.text);
    expect(page1).toHaveLength(COACH_PAGE_SIZE);
    expect(link(first.text, 'prev')).toBeNull();
    const second = await admin.get(link(first.text, 'next')!);
    const page2 = namesOn(second.text);
    expect(page2).toHaveLength(COACH_PAGE_SIZE);
    // Coaches arrive: one ranked first of all, one ranked last of all.
    await createUser(db(), {
      role: 'coach',
      displayName: 'Zz New Best',
      chapterId: chapterA,
      coachCapacity: 100,
    });
    await createUser(db(), {
      role: 'coach',
      displayName: 'Aa New Worst',
      chapterId: chapterB,
      coachCapacity: 0,
    });
    const third = await admin.get(link(second.text, 'next')!);
    const page3 = namesOn(third.text);
    expect(link(third.text, 'next')).toBeNull();
    expect(page3[page3.length - 1]).toBe('Aa New Worst');
    // Every coach that was there exactly once, in order, with the newcomers only where they rank.
    const seen = [...page1, ...page2, ...page3];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain('Zz New Best');
    const [{ n }] = await db().query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM users WHERE role = 'coach' AND active`,
    );
    expect(seen).toHaveLength(n - 1);
    // Same chapter first, then most places free, then fewest reviews waiting.
    const rows = await db().query<{ display_name: string; other: boolean; free: number; waiting: number }[]>(
      `SELECT display_name, chapter_id IS DISTINCT FROM $1 AS other, capacity - active AS free, waiting
         FROM coach_loads WHERE display_name = ANY($2)`,
      [chapterA, seen],
    );
    const rank = new Map(rows.map((r) => [r.display_name, r]));
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [rank.get(seen[i - 1])!, rank.get(seen[i])!];
      const cmp = Number(a.other) - Number(b.other) || b.free - a.free || a.waiting - b.waiting;
      expect(cmp).toBeLessThanOrEqual(0);
    }
    // Previous from the last page is the second page again.
    const back = await admin.get(link(third.text, 'prev')!);
    expect(namesOn(back.text)).toEqual(page2);
    const start = await admin.get(link(back.text, 'prev')!);
    // The page just before the second is the first page as it was; the newcomer ranked first sits before it.
    expect(namesOn(start.text)).toEqual(page1);
    const newest = await admin.get(link(start.text, 'prev')!);
    expect(namesOn(newest.text)).toEqual(['Zz New Best']);
    // A tampered position is no error: the first page.
    const tampered = await admin.get(`${path}?after=not-a-position&before=%00`);
    expect(tampered.status).toBe(200);
    expect(namesOn(tampered.text)[0]).toBe('Zz New Best');
  });

  it('assigns a coach chosen on a later page (the form posts back to that page)', async () => {
    const path = `/admin/people/${organizer.id}/coach`;
    const second = await admin.get(link((await admin.get(path)).text, 'next')!);
    expect(second.text).toMatch(/action="\/admin\/people\/[0-9a-f-]+\/coach\?after=[^"]+"/);
  });

  it('pages open coach requests oldest first, stable while new requests arrive', async () => {
    const people: User[] = [];
    for (let i = 0; i < REQUESTS_PAGE_SIZE + 5; i++) {
      const person = await createUser(db(), { displayName: `Asking ${String(i).padStart(2, '0')}` });
      people.push(person);
      await db().insert(CoachRequest, { organizerId: person.id, message: `request ${i}` });
    }
    const first = await admin.get('/admin/coach-requests');
    expect(first.status).toBe(200);
    const names = (html: string) => [...html.matchAll(/\/coach">(Asking \d+)<\/a>/g)].map((m) => m[1]);
    expect(names(first.text)).toEqual(people.slice(0, REQUESTS_PAGE_SIZE).map((p) => p.displayName));
    const late = await createUser(db(), { displayName: 'Asking late' });
    await db().insert(CoachRequest, { organizerId: late.id, message: 'late' });
    const second = await admin.get(link(first.text, 'next')!);
    expect(names(second.text)).toEqual(people.slice(REQUESTS_PAGE_SIZE).map((p) => p.displayName));
    expect(second.text).toContain('>Asking late</a>');
    const back = await admin.get(link(second.text, 'prev')!);
    expect(names(back.text)).toEqual(names(first.text));
  });
});
