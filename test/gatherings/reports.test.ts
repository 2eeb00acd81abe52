import type { EntityManager } from 'typeorm';
import type { User } from '../../src/accounts/user.entity';
import { Gathering, GatheringAttendance } from '../../src/gatherings/gathering.entities';
import { GatheringReports, type GatheringFigures } from '../../src/gatherings/gathering-reports';
import { GATHERING_MEASURES } from '../../src/gatherings/side-measures';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { chapterWithCohort } from '../circles/helpers';
import { createGathering, markPresent } from './helpers';

const DAY = 86_400_000;

/** A small deterministic random sequence, so the data is varied but the same on every run. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Visit {
  userId: string;
  chapterId: string | null;
  startsAt: number;
  gatheringId: string;
}

/** Every present mark at a gathering that was not cancelled, read back plainly. */
async function allVisits(manager: EntityManager): Promise<{ visits: Visit[]; gatherings: Gathering[] }> {
  const gatherings = await manager.find(Gathering);
  const byId = new Map(gatherings.map((g) => [g.id, g]));
  const marks = await manager.find(GatheringAttendance, { where: { status: 'present' } });
  const visits = marks
    .map((a) => ({ a, g: byId.get(a.gatheringId)! }))
    .filter(({ g }) => !g.cancelledAt)
    .map(({ a, g }) => ({
      userId: a.userId,
      chapterId: g.chapterId,
      startsAt: g.startsAt.getTime(),
      gatheringId: g.id,
    }));
  return { visits, gatherings };
}

/** The report's definitions, recomputed the long way round from every row. */
function recompute(
  data: { visits: Visit[]; gatherings: Gathering[] },
  chapterId: string | null,
  from: number,
  toExclusive: number,
): GatheringFigures {
  const now = Date.now();
  const inScope = (c: string | null) => chapterId === null || c === chapterId;
  const inRange = (t: number) => t >= from && t < toExclusive && t <= now;
  const held = data.gatherings.filter(
    (g) => !g.cancelledAt && inScope(g.chapterId) && inRange(g.startsAt.getTime()),
  );
  const scoped = data.visits.filter((v) => inScope(v.chapterId));
  const came = scoped.filter((v) => inRange(v.startsAt));
  const attendees = new Set(came.map((v) => v.userId));
  const cameBack = (days: number) =>
    new Set(
      came
        .filter((c) =>
          scoped.some(
            (v) => v.userId === c.userId && v.startsAt > c.startsAt && v.startsAt <= c.startsAt + days * DAY,
          ),
        )
        .map((c) => c.userId),
    ).size;
  let newcomers = 0;
  let retained = 0;
  for (const userId of attendees) {
    const first = Math.min(...scoped.filter((v) => v.userId === userId).map((v) => v.startsAt));
    if (first < from || first >= toExclusive) continue;
    newcomers += 1;
    if (scoped.some((v) => v.userId === userId && v.startsAt > first && v.startsAt <= first + 90 * DAY))
      retained += 1;
  }
  return {
    held: held.length,
    attendees: attendees.size,
    attendances: came.length,
    returning30: cameBack(30),
    returning90: cameBack(90),
    newcomers,
    retained,
  };
}

describe('gatherings in reports and in the "from all sides" measures', () => {
  let t: TestApp;
  let chapters: Awaited<ReturnType<typeof chapterWithCohort>>[];
  let hosts: User[];
  const m = () => t.dataSource.manager;
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const from = new Date(today.getTime() - 59 * DAY);

  beforeAll(async () => {
    t = await startTestApp();
    chapters = [await chapterWithCohort(t.dataSource), await chapterWithCohort(t.dataSource)];
    hosts = [];
    const random = sequence(42);
    for (const c of chapters) {
      const host = await createUser(m(), { role: 'coach', chapterId: c.chapter.id });
      hosts.push(host);
      const people = await Promise.all(
        Array.from({ length: 9 }, () => createUser(m(), { chapterId: c.chapter.id })),
      );
      // Gatherings from 150 days ago to 10 days ahead, one of them cancelled, one in a cohort circle.
      for (let i = 0; i < 14; i += 1) {
        const daysAgo = 150 - i * 11 - Math.floor(random() * 5);
        const circle = i === 6 ? c.cohortCircle : c.chapterCircle;
        const gathering = await createGathering(m(), { id: circle.id, chapterId: c.chapter.id }, host.id, {
          title: `${c.chapter.name} gathering ${i}`,
          startsInHours: -daysAgo * 24,
          cancelledAt: i === 9 ? new Date() : null,
        });
        if (daysAgo < 0) continue;
        const came = people.filter(() => random() < 0.4).map((p) => p.id);
        await markPresent(m(), gathering.id, came, host.id);
        const absent = people.find((p) => !came.includes(p.id));
        if (absent)
          await m().insert(GatheringAttendance, {
            gatheringId: gathering.id,
            userId: absent.id,
            status: 'absent',
            markedById: host.id,
          });
      }
    }
  });
  afterAll(() => t.close());

  it('agrees with a straightforward recomputation, for all chapters and for each one', async () => {
    const data = await allVisits(m());
    const reports = new GatheringReports();
    for (const chapterId of [null, chapters[0].chapter.id, chapters[1].chapter.id]) {
      const section = await reports.section(m(), { chapterId, from, to: today });
      const expected = recompute(data, chapterId, from.getTime(), today.getTime() + DAY);
      expect(section).toMatchObject(expected);
      expect(expected.attendees).toBeGreaterThan(0);
      expect(section.rows.length).toBe(expected.held);
      expect(section.rows.reduce((sum, r) => sum + r.came, 0)).toBe(expected.attendances);
      if (chapterId)
        expect(
          section.rows.every((r) =>
            r.title.startsWith(chapters.find((c) => c.chapter.id === chapterId)!.chapter.name),
          ),
        ).toBe(true);
    }
  });

  it('counts a hand-made case as a person would', async () => {
    const c = await chapterWithCohort(t.dataSource);
    const host = await createUser(m(), { role: 'coach', chapterId: c.chapter.id });
    const [ana, ben, cy] = await Promise.all(
      [1, 2, 3].map(() => createUser(m(), { chapterId: c.chapter.id })),
    );
    const circle = { id: c.chapterCircle.id, chapterId: c.chapter.id };
    const at = async (daysAgo: number, people: User[]) => {
      const g = await createGathering(m(), circle, host.id, { startsInHours: -daysAgo * 24 });
      await markPresent(
        m(),
        g.id,
        people.map((p) => p.id),
        host.id,
      );
    };
    await at(100, [cy]); // before the range: Cy is no newcomer
    await at(40, [ana, ben, cy]);
    await at(20, [ana]); // Ana comes back within 30 days
    await at(2, [ben]); // Ben comes back after 38 days: within 90, not 30
    const section = await new GatheringReports().section(m(), { chapterId: c.chapter.id, from, to: today });
    expect(section).toMatchObject({
      held: 3,
      attendees: 3,
      attendances: 5,
      returning30: 1,
      returning90: 2,
      newcomers: 2,
      retained: 2,
    });
    expect(section.returning90Rate).toBeCloseTo(2 / 3);
  });

  it('shows the section on /admin/reports; a chapter admin sees their chapter only', async () => {
    const [a, b] = chapters;
    const scoped = await createUser(m(), { role: 'admin', scopeChapterId: a.chapter.id });
    const page = await (
      await signedInAgent(t.app, scoped.email)
    ).get(
      `/admin/reports?chapterId=${b.chapter.id}&from=${from.toISOString().slice(0, 10)}&to=${today.toISOString().slice(0, 10)}`,
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="gatherings-heading"');
    expect(page.text).toContain(`${a.chapter.name} gathering`);
    expect(page.text).not.toContain(`${b.chapter.name} gathering`);
    const expected = recompute(await allVisits(m()), a.chapter.id, from.getTime(), today.getTime() + DAY);
    expect(page.text).toContain(
      `<th scope="row">Attendees (different people who came)</th><td>${expected.attendees}</td>`,
    );
    expect(page.text).toContain(
      `<th scope="row">Came back within 90 days</th><td>${expected.returning90}</td>`,
    );
  });

  it('exports measures for the "from all sides" report that agree with a recomputation per chapter', async () => {
    const data = await allVisits(m());
    const range = { from, to: new Date(today.getTime() + DAY) };
    const byKey = Object.fromEntries(GATHERING_MEASURES.map((measure) => [measure.key, measure]));
    expect(Object.keys(byKey)).toEqual(['gatherings_held', 'gathering_attendees', 'gathering_returning_90d']);
    for (const measure of GATHERING_MEASURES) {
      expect(measure.side).toBe('volunteers');
      expect(measure.method.length).toBeGreaterThan(20);
    }
    const counted = await Promise.all(GATHERING_MEASURES.map((measure) => measure.count(m(), range)));
    for (const { chapter } of chapters) {
      const expected = recompute(data, chapter.id, range.from.getTime(), range.to.getTime());
      expect(counted[0].get(chapter.id) ?? 0).toBe(expected.held);
      expect(counted[1].get(chapter.id) ?? 0).toBe(expected.attendees);
      expect(counted[2].get(chapter.id) ?? 0).toBe(expected.returning90);
    }
  });
});
