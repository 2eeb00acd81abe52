import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { hashPassword } from '../src/accounts/passwords';
import { User } from '../src/accounts/user.entity';
import { toSessionUser } from '../src/accounts/users';
import type { CurriculumTrack } from '../src/curriculum/curriculum.types';
import { runCli } from './run-cli';
import { BENCH_DOMAIN, BENCH_PASSWORD, type BenchManifest } from './seed/bench-manifest';
import { ensureBenchCohorts } from './seed/bench-cohorts';
import { ensureBenchCircle } from './seed/bench-circle';
import { seedChapterPages } from './seed/bench-directory';
import { insertMany, tableCounts } from './seed/bulk';
import { openSeedContext, secondsSince, type SeedContext } from './seed/context';
import { CITIES, WORKSHOP_LOCATIONS, evidenceText, feedbackText, personName } from './seed/names';
import { DAY_MS, Random } from './seed/random';
import { growByCopies } from './seed/scale';
import { createStreamingPool } from '../src/db/streaming-pool';

/**
 * `npm run seed:bench [-- --manifest file]`: a realistic, large data set for load tests, built with
 * bulk SQL (one `INSERT … SELECT FROM unnest(…)` per table and batch). A few hundred certificates are
 * issued through the real progress hook and signed (eddsa-rdfc-2022); the rest reuse those signed
 * credentials with their own codes and status slots (signing all 5,000 takes ~10 minutes; set
 * BENCH_SIGNED_CERTS=all for that). Run twice, it only rewrites the manifest the benchmark reads.
 */

const COUNTS = {
  chapters: 20,
  admins: 3,
  coaches: 200,
  organizers: 2_000,
  submissions: 40_000,
  workshops: 300,
  certificates: 5_000,
  superseded: 150,
  revoked: 50,
} as const;
/** Organizer stages (they add up to COUNTS.organizers). */
const STAGES = { reading: 300, progress: 1_100, certified: 600 } as const;
const DASHBOARD_COACH_ORGANIZERS = 50;
const UNASSIGNED_ORGANIZERS = 20;
const COACH_TRACK_SIGNED = 20;

const MARKER_CHAPTER = 'Bench 01 · Boston';
const CIVIC = 'civic-tech-host';
const COACH_TRACK = 'coach';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const email = (kind: string, n: number, width: number) => `bench-${kind}-${pad(n, width)}@${BENCH_DOMAIN}`;
const newCode = () => randomBytes(16).toString('base64url');

function parseArgs(argv: string[]): { manifest?: string } {
  const i = argv.indexOf('--manifest');
  return { manifest: i >= 0 ? argv[i + 1] : undefined };
}

/** BENCH_SCALE: how many times the 1× data set is copied (1 to 200; default 1). */
function benchScale(): number {
  const raw = process.env.BENCH_SCALE ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new Error('BENCH_SCALE must be an integer from 1 to 200');
  return n;
}

function signedCount(total: number): number {
  const raw = process.env.BENCH_SIGNED_CERTS ?? '300';
  if (raw === 'all') return total;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < COACH_TRACK_SIGNED + 1)
    throw new Error(`BENCH_SIGNED_CERTS must be "all" or an integer >= ${COACH_TRACK_SIGNED + 1}`);
  return Math.min(n, total);
}

interface Person {
  id: string;
  email: string;
  name: string;
  chapter: number;
  createdAt: Date;
}

interface Organizer extends Person {
  stage: keyof typeof STAGES;
  coachId: string | null;
  /** Coach milestones attempted, in curriculum order. */
  attempted: number;
  lastActivity: Date;
}

interface Plan {
  chapters: { id: string; name: string; region: string; timeZone: string }[];
  admins: Person[];
  coaches: Person[];
  organizers: Organizer[];
  alumni: Person[];
}

function milestonesOf(track: CurriculumTrack) {
  return track.modules.flatMap((module) =>
    module.milestones.map((m) => ({
      id: m.id,
      kind: m.kind,
      moduleId: module.id,
      moduleIndex: module.index,
      title: m.title,
    })),
  );
}

function planPeople(random: Random, now: number, coachMilestoneCount: number): Plan {
  const chapters = CITIES.slice(0, COUNTS.chapters).map((c, i) => ({
    id: randomUUID(),
    name: `Bench ${pad(i + 1, 2)} · ${c.city}`,
    region: c.region,
    timeZone: c.timeZone,
  }));
  const person = (kind: string, n: number, width: number, chapter: number, ageDays: number): Person => ({
    id: randomUUID(),
    email: email(kind, n, width),
    name: personName(random),
    chapter,
    createdAt: new Date(now - ageDays * DAY_MS),
  });
  const admins = Array.from({ length: COUNTS.admins }, (_, i) => person('admin', i + 1, 1, -1, 1100));
  const coachesPerChapter = COUNTS.coaches / COUNTS.chapters;
  const coaches = Array.from({ length: COUNTS.coaches }, (_, i) =>
    person('coach', i + 1, 3, Math.floor(i / coachesPerChapter), random.int(400, 1000)),
  );
  const stages = random.sample(
    Object.entries(STAGES).flatMap(([stage, n]) =>
      Array<keyof typeof STAGES>(n).fill(stage as keyof typeof STAGES),
    ),
    COUNTS.organizers,
  );
  const perChapter = COUNTS.organizers / COUNTS.chapters;
  const organizers: Organizer[] = stages.map((stage, i) => {
    const chapter = Math.floor(i / perChapter);
    const ageDays =
      stage === 'reading'
        ? random.int(3, 60)
        : stage === 'progress'
          ? random.int(40, 500)
          : random.int(300, 720);
    const base = person('organizer', i + 1, 4, chapter, ageDays);
    // Coach 1 (chapter 0) coaches exactly the first 50 organizers; the rest of a chapter share its other coaches.
    const local = i % perChapter;
    let coachId: string | null;
    if (chapter === 0 && local < DASHBOARD_COACH_ORGANIZERS) coachId = coaches[0].id;
    else if (chapter > 0 && local >= perChapter - 1)
      coachId = null; // one per chapter waits for a coach
    else {
      const first = chapter * coachesPerChapter + (chapter === 0 ? 1 : 0);
      const pool = coachesPerChapter - (chapter === 0 ? 1 : 0);
      coachId = coaches[first + (local % pool)].id;
    }
    const attempted =
      stage === 'certified' ? -1 : stage === 'progress' ? random.int(1, coachMilestoneCount) : 0;
    const stalled = random.chance(0.3);
    const lastDaysAgo = stalled
      ? random.int(31, Math.max(32, ageDays - 5))
      : random.int(0, Math.min(25, ageDays));
    return { ...base, stage, coachId, attempted, lastActivity: new Date(now - lastDaysAgo * DAY_MS) };
  });
  const unassigned = organizers.filter((o) => o.coachId === null).length;
  if (unassigned > UNASSIGNED_ORGANIZERS) throw new Error('planning error: too many unassigned organizers');
  const alumniCount =
    COUNTS.certificates -
    COUNTS.superseded -
    STAGES.certified -
    2 * COUNTS.coaches; /* coaches hold both tracks */
  const alumni = Array.from({ length: alumniCount }, (_, i) =>
    person('alumnus', i + 1, 4, i % COUNTS.chapters, random.int(800, 2000)),
  );
  return { chapters, admins, coaches, organizers, alumni };
}

async function insertPeople(
  manager: EntityManager,
  plan: Plan,
  passwordHash: string,
  now: number,
): Promise<void> {
  await insertMany(
    manager,
    'chapters',
    [
      { name: 'id', type: 'uuid' },
      { name: 'name', type: 'text' },
      { name: 'region', type: 'text' },
      { name: 'time_zone', type: 'text' },
    ],
    plan.chapters.map((c) => [c.id, c.name, c.region, c.timeZone]),
  );
  const rows: unknown[][] = [];
  const add = (p: Person, role: string, active: boolean, capacity: number, lastLogin: Date | null) =>
    rows.push([
      p.id,
      p.email,
      p.name,
      passwordHash,
      role,
      p.chapter >= 0 ? plan.chapters[p.chapter].id : null,
      active,
      capacity,
      lastLogin,
      p.createdAt,
    ]);
  for (const a of plan.admins) add(a, 'admin', true, 8, new Date(now - DAY_MS));
  plan.coaches.forEach((c, i) =>
    add(c, 'coach', true, i === 0 ? DASHBOARD_COACH_ORGANIZERS : 12, new Date(now - (i % 9) * DAY_MS)),
  );
  for (const o of plan.organizers) add(o, 'organizer', true, 8, o.lastActivity);
  for (const a of plan.alumni) add(a, 'organizer', false, 8, null);
  await insertMany(
    manager,
    'users',
    [
      { name: 'id', type: 'uuid' },
      { name: 'email', type: 'text' },
      { name: 'display_name', type: 'text' },
      { name: 'password_hash', type: 'text' },
      { name: 'role', type: 'text' },
      { name: 'chapter_id', type: 'uuid' },
      { name: 'active', type: 'boolean' },
      { name: 'coach_capacity', type: 'int' },
      { name: 'last_login_at', type: 'timestamptz' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    rows,
  );
}

async function insertAssignments(
  manager: EntityManager,
  plan: Plan,
  random: Random,
  now: number,
): Promise<number> {
  const admin = plan.admins[0].id;
  const rows: unknown[][] = [];
  const coachesPerChapter = COUNTS.coaches / COUNTS.chapters;
  for (const o of plan.organizers) {
    if (!o.coachId) continue;
    const started = new Date(o.createdAt.getTime() + DAY_MS);
    // Some organizers changed coach once (never the dashboard coach's 50, to keep that count exact).
    if (o.coachId !== plan.coaches[0].id && o.stage !== 'reading' && random.chance(0.05)) {
      const candidates = plan.coaches.slice(
        o.chapter * coachesPerChapter + 1,
        (o.chapter + 1) * coachesPerChapter,
      );
      const previous = random.pick(candidates.filter((c) => c.id !== o.coachId));
      const switched = new Date((started.getTime() + now) / 2);
      rows.push([
        randomUUID(),
        o.id,
        previous.id,
        admin,
        false,
        started,
        switched,
        'Coach moved to another role',
      ]);
      rows.push([randomUUID(), o.id, o.coachId, admin, false, switched, null, null]);
    } else {
      rows.push([randomUUID(), o.id, o.coachId, admin, false, started, null, null]);
    }
  }
  await insertMany(
    manager,
    'coach_assignments',
    [
      { name: 'id', type: 'uuid' },
      { name: 'organizer_id', type: 'uuid' },
      { name: 'coach_id', type: 'uuid' },
      { name: 'assigned_by_id', type: 'uuid' },
      { name: 'over_capacity', type: 'boolean' },
      { name: 'started_at', type: 'timestamptz' },
      { name: 'ended_at', type: 'timestamptz' },
      { name: 'end_reason', type: 'text' },
    ],
    rows,
  );
  const waiting = plan.organizers.filter((o) => !o.coachId);
  await insertMany(
    manager,
    'coach_requests',
    [
      { name: 'organizer_id', type: 'uuid' },
      { name: 'message', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    waiting.map((o) => [
      o.id,
      'I would like a coach who has run a chapter before.',
      new Date(now - random.int(1, 10) * DAY_MS),
    ]),
  );
  return rows.length;
}

interface CoachingResult {
  submissions: number;
  reviews: number;
}

/** Evidence, reviews and coach completions: exactly COUNTS.submissions submissions. */
async function insertCoaching(
  manager: EntityManager,
  plan: Plan,
  civic: CurriculumTrack,
  random: Random,
  now: number,
  holdBackLast: Set<string>,
): Promise<CoachingResult> {
  const coachMilestones = milestonesOf(civic).filter((m) => m.kind === 'coach');
  const lastMilestone = milestonesOf(civic).at(-1)!;
  // Pass 1: which milestones each organizer attempted and how the last attempt ended.
  const slots: {
    organizer: Organizer;
    index: number;
    final: 'approved' | 'pending' | 'changes_requested';
    rejected: number;
  }[] = [];
  for (const o of plan.organizers) {
    if (o.stage === 'reading') continue;
    const k = o.stage === 'certified' ? coachMilestones.length : o.attempted;
    for (let j = 0; j < k; j++) {
      const final =
        o.stage === 'certified' || j < k - 1
          ? 'approved'
          : random.chance(0.65)
            ? 'pending'
            : 'changes_requested';
      slots.push({ organizer: o, index: j, final, rejected: 0 });
    }
  }
  // Pass 2: earlier attempts that got "changes requested", so the total is exact.
  let extra = COUNTS.submissions - slots.length;
  if (extra < 0) throw new Error(`planning error: ${slots.length} submissions before rejections`);
  // Usually at most two rounds of changes per milestone; more when the track is short (the Host tier
  // has 10 coach milestones), so the loop always ends.
  const maxRejected = Math.max(2, Math.ceil(extra / slots.length) + 1);
  while (extra > 0) {
    const slot = random.pick(slots);
    if (slot.rejected >= maxRejected) continue;
    slot.rejected += 1;
    extra -= 1;
  }
  // Pass 3: timestamps and rows, organizer by organizer.
  const assignments = await manager.query<
    { organizer_id: string; coach_id: string; started_at: Date; ended_at: Date | null }[]
  >('SELECT organizer_id, coach_id, started_at, ended_at FROM coach_assignments');
  const coachAt = new Map<string, { coach: string; from: number; to: number }[]>();
  for (const a of assignments) {
    const list = coachAt.get(a.organizer_id) ?? [];
    list.push({ coach: a.coach_id, from: a.started_at.getTime(), to: a.ended_at?.getTime() ?? Infinity });
    coachAt.set(a.organizer_id, list);
  }
  const fallbackReviewer = (o: Organizer) =>
    plan.coaches[o.chapter * (COUNTS.coaches / COUNTS.chapters) + 1].id;
  const reviewerAt = (o: Organizer, t: number) =>
    coachAt.get(o.id)?.find((a) => t >= a.from && t < a.to)?.coach ??
    coachAt.get(o.id)?.[0]?.coach ??
    fallbackReviewer(o);

  const submissions: unknown[][] = [];
  const reviews: unknown[][] = [];
  const completions: unknown[][] = [];
  const byOrganizer = new Map<Organizer, typeof slots>();
  for (const slot of slots) {
    const list = byOrganizer.get(slot.organizer) ?? [];
    list.push(slot);
    byOrganizer.set(slot.organizer, list);
  }
  for (const [o, list] of byOrganizer) {
    const attempts = list.reduce((sum, s) => sum + s.rejected + 1, 0);
    const start = o.createdAt.getTime() + 3 * DAY_MS;
    const end = Math.max(start + DAY_MS, o.lastActivity.getTime());
    const step = (end - start) / attempts;
    let n = 0;
    for (const slot of list) {
      const milestone = coachMilestones[slot.index];
      for (let attempt = 1; attempt <= slot.rejected + 1; attempt++) {
        const submittedAt = new Date(start + step * n + random.next() * step * 0.3);
        n += 1;
        const isFinal = attempt === slot.rejected + 1;
        const status = isFinal ? slot.final : 'changes_requested';
        const revision = random.chance(0.1) ? 2 : 1;
        const id = randomUUID();
        const links = random.chance(0.4)
          ? JSON.stringify([`https://docs.example.org/${o.id.slice(0, 8)}/${milestone.id}`])
          : '[]';
        submissions.push([
          id,
          o.id,
          milestone.id,
          attempt,
          revision,
          evidenceText(random),
          links,
          status,
          submittedAt,
          new Date(submittedAt.getTime() + (revision - 1) * 3_600_000),
        ]);
        if (status === 'pending') continue;
        const reviewedAt = new Date(
          Math.min(
            now - 60_000,
            submittedAt.getTime() + Math.min(step * 0.6, (0.3 + random.next() * 3) * DAY_MS),
          ),
        );
        const read = now - reviewedAt.getTime() > 3 * DAY_MS || random.chance(0.5);
        reviews.push([
          randomUUID(),
          id,
          reviewerAt(o, reviewedAt.getTime()),
          status,
          feedbackText(random, status),
          read ? new Date(reviewedAt.getTime() + DAY_MS / 2) : null,
          reviewedAt,
        ]);
        if (status === 'approved') {
          if (!(holdBackLast.has(o.id) && milestone.id === lastMilestone.id))
            completions.push([o.id, milestone.id, milestone.moduleId, CIVIC, 'coach', reviewedAt]);
        }
      }
    }
  }
  await insertMany(
    manager,
    'evidence_submissions',
    [
      { name: 'id', type: 'uuid' },
      { name: 'organizer_id', type: 'uuid' },
      { name: 'milestone_id', type: 'text' },
      { name: 'attempt', type: 'int' },
      { name: 'revision', type: 'int' },
      { name: 'body', type: 'text' },
      { name: 'links', type: 'text', expr: 't."links"::jsonb' },
      { name: 'status', type: 'text' },
      { name: 'submitted_at', type: 'timestamptz' },
      { name: 'updated_at', type: 'timestamptz' },
    ],
    submissions,
  );
  await insertMany(
    manager,
    'submission_reviews',
    [
      { name: 'id', type: 'uuid' },
      { name: 'submission_id', type: 'uuid' },
      { name: 'reviewer_id', type: 'uuid' },
      { name: 'decision', type: 'text' },
      { name: 'feedback', type: 'text' },
      { name: 'read_by_organizer_at', type: 'timestamptz' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    reviews,
  );
  await insertCompletions(manager, completions);
  return { submissions: submissions.length, reviews: reviews.length };
}

async function insertCompletions(manager: EntityManager, rows: unknown[][]): Promise<void> {
  await insertMany(
    manager,
    'milestone_completions',
    [
      { name: 'user_id', type: 'uuid' },
      { name: 'milestone_id', type: 'text' },
      { name: 'module_id', type: 'text' },
      { name: 'track_id', type: 'text' },
      { name: 'source', type: 'text' },
      { name: 'completed_at', type: 'timestamptz' },
    ],
    rows,
    { onConflict: 'ON CONFLICT (user_id, milestone_id) DO NOTHING' },
  );
}

/** Past workshops with attendance (completing workshop milestones) and upcoming ones with registrations. */
async function insertWorkshops(
  manager: EntityManager,
  plan: Plan,
  civic: CurriculumTrack,
  coachTrack: CurriculumTrack,
  random: Random,
  now: number,
): Promise<{ workshops: number; registrations: number; attendance: number }> {
  const civicWorkshopMilestones = milestonesOf(civic).filter((m) => m.kind === 'workshop');
  const coachWorkshopMilestone = milestonesOf(coachTrack).find((m) => m.kind === 'workshop')!;
  const coachMilestones = milestonesOf(civic).filter((m) => m.kind === 'coach');
  const coachesPerChapter = COUNTS.coaches / COUNTS.chapters;
  const perChapter = COUNTS.workshops / COUNTS.chapters; // 15: 12 past, 3 upcoming
  const workshops: unknown[][] = [];
  const facilitators: unknown[][] = [];
  interface W {
    id: string;
    chapter: number;
    milestone: string;
    startsAt: Date;
    endsAt: Date;
    createdBy: string;
    capacity: number;
    past: boolean;
  }
  const all: W[] = [];
  for (let c = 0; c < COUNTS.chapters; c++) {
    const chapterCoaches = plan.coaches.slice(c * coachesPerChapter, (c + 1) * coachesPerChapter);
    for (let k = 0; k < perChapter; k++) {
      const past = k < perChapter - 3;
      const milestone = past
        ? k === perChapter - 4
          ? coachWorkshopMilestone
          : civicWorkshopMilestones[k % civicWorkshopMilestones.length]
        : random.pick([...civicWorkshopMilestones, coachWorkshopMilestone]);
      const dayOffset = past ? -(20 + ((k * 61 + c * 7) % 700)) : 3 + ((k * 17 + c * 5) % 57);
      const startsAt = new Date(Math.floor((now + dayOffset * DAY_MS) / 3_600_000) * 3_600_000);
      const endsAt = new Date(startsAt.getTime() + (random.chance(0.5) ? 2 : 3) * 3_600_000);
      const createdBy = random.pick(chapterCoaches).id;
      const capacity = random.int(20, 40);
      const id = randomUUID();
      all.push({ id, chapter: c, milestone: milestone.id, startsAt, endsAt, createdBy, capacity, past });
      const city = CITIES[c].city;
      workshops.push([
        id,
        `${milestone.title} (${city})`,
        `A hands-on session for the **${milestone.title}** milestone. Bring a laptop and a real example from your chapter.`,
        milestone.id,
        startsAt,
        endsAt,
        plan.chapters[c].timeZone,
        random.pick(WORKSHOP_LOCATIONS),
        random.chance(0.3) ? 'https://meet.example.org/academy-' + id.slice(0, 8) : null,
        capacity,
        plan.chapters[c].id,
        createdBy,
        randomBytes(32).toString('base64url'),
        new Date(startsAt.getTime() - random.int(14, 40) * DAY_MS),
      ]);
      facilitators.push([id, createdBy]);
      if (random.chance(0.2)) {
        const other = random.pick(chapterCoaches.filter((x) => x.id !== createdBy));
        facilitators.push([id, other.id]);
      }
    }
  }
  const registrations: unknown[][] = [];
  const attendance: unknown[][] = [];
  const completions: unknown[][] = [];
  const registered = new Map<string, Set<string>>(); // workshop → users with an active registration or a mark
  const seat = (w: W, userId: string) => {
    const set = registered.get(w.id) ?? new Set<string>();
    if (set.has(userId)) return false;
    set.add(userId);
    registered.set(w.id, set);
    return true;
  };
  const pastBy = (chapter: number, milestone: string) =>
    all.filter((w) => w.past && w.chapter === chapter && w.milestone === milestone);
  const markPresent = (w: W, userId: string, trackId: string, moduleId: string) => {
    if (!seat(w, userId)) return;
    const walkIn = random.chance(0.05);
    if (!walkIn)
      registrations.push([
        randomUUID(),
        w.id,
        userId,
        'registered',
        new Date(w.startsAt.getTime() - random.int(2, 14) * DAY_MS),
      ]);
    const self = random.chance(0.6);
    attendance.push([
      w.id,
      userId,
      'present',
      walkIn,
      w.createdBy,
      new Date(w.endsAt.getTime() + 3_600_000),
      new Date(w.startsAt.getTime() + random.int(-10, 20) * 60_000),
      self,
    ]);
    completions.push([userId, w.milestone, moduleId, trackId, 'workshop', w.endsAt]);
  };
  // Organizers attend the workshop milestones of the modules they have reached.
  for (const o of plan.organizers) {
    if (o.stage === 'reading') continue;
    const reachedModule =
      o.stage === 'certified' ? Infinity : coachMilestones[Math.max(0, o.attempted - 1)].moduleIndex;
    for (const m of civicWorkshopMilestones) {
      if (m.moduleIndex > reachedModule || (o.stage !== 'certified' && random.chance(0.2))) continue;
      const options = pastBy(o.chapter, m.id);
      const after = options.filter((w) => w.startsAt > o.createdAt);
      markPresent(random.pick(after.length ? after : options), o.id, CIVIC, m.moduleId);
    }
  }
  // Coaches attend their chapter's coaching-practice session.
  for (const c of plan.coaches) {
    const options = pastBy(c.chapter, coachWorkshopMilestone.id);
    if (options.length) markPresent(random.pick(options), c.id, COACH_TRACK, coachWorkshopMilestone.moduleId);
  }
  // Some registered people did not come; upcoming workshops fill up, with a waitlist.
  const organizersIn = (chapter: number) => plan.organizers.filter((o) => o.chapter === chapter);
  for (const w of all) {
    const people = organizersIn(w.chapter);
    if (w.past) {
      for (const o of random.sample(people, random.int(2, 5))) {
        if (!seat(w, o.id)) continue;
        registrations.push([
          randomUUID(),
          w.id,
          o.id,
          'registered',
          new Date(w.startsAt.getTime() - random.int(2, 14) * DAY_MS),
        ]);
        attendance.push([
          w.id,
          o.id,
          random.chance(0.7) ? 'absent' : 'excused',
          false,
          w.createdBy,
          new Date(w.endsAt.getTime() + 3_600_000),
          null,
          false,
        ]);
      }
      w.capacity = Math.max(w.capacity, registered.get(w.id)?.size ?? 0);
    } else {
      const wanted = Math.round(w.capacity * (0.5 + random.next() * 0.7));
      let seats = 0;
      for (const o of random.sample(people, wanted)) {
        if (!seat(w, o.id)) continue;
        const status = random.chance(0.05) ? 'cancelled' : seats < w.capacity ? 'registered' : 'waitlisted';
        if (status === 'registered') seats += 1;
        registrations.push([randomUUID(), w.id, o.id, status, new Date(now - random.int(1, 20) * DAY_MS)]);
      }
    }
  }
  // Capacity may have grown for past workshops; write it with the rows.
  const capacityOf = new Map(all.map((w) => [w.id, w.capacity]));
  for (const row of workshops) row[9] = capacityOf.get(row[0] as string);
  await insertMany(
    manager,
    'workshops',
    [
      { name: 'id', type: 'uuid' },
      { name: 'title', type: 'text' },
      { name: 'description', type: 'text' },
      { name: 'milestone_ids', type: 'text', expr: 'ARRAY[t."milestone_ids"]' },
      { name: 'starts_at', type: 'timestamptz' },
      { name: 'ends_at', type: 'timestamptz' },
      { name: 'time_zone', type: 'text' },
      { name: 'location', type: 'text' },
      { name: 'online_url', type: 'text' },
      { name: 'capacity', type: 'int' },
      { name: 'chapter_id', type: 'uuid' },
      { name: 'created_by_id', type: 'uuid' },
      { name: 'check_in_secret', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    workshops,
  );
  await insertMany(
    manager,
    'workshop_facilitators',
    [
      { name: 'workshop_id', type: 'uuid' },
      { name: 'user_id', type: 'uuid' },
    ],
    facilitators,
  );
  await insertMany(
    manager,
    'workshop_registrations',
    [
      { name: 'id', type: 'uuid' },
      { name: 'workshop_id', type: 'uuid' },
      { name: 'user_id', type: 'uuid' },
      { name: 'status', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    registrations,
  );
  await insertMany(
    manager,
    'workshop_attendance',
    [
      { name: 'workshop_id', type: 'uuid' },
      { name: 'user_id', type: 'uuid' },
      { name: 'status', type: 'text' },
      { name: 'walk_in', type: 'boolean' },
      { name: 'marked_by_id', type: 'uuid' },
      { name: 'marked_at', type: 'timestamptz' },
      { name: 'checked_in_at', type: 'timestamptz' },
      { name: 'self_check_in', type: 'boolean' },
    ],
    attendance,
  );
  await insertCompletions(manager, completions);
  return { workshops: workshops.length, registrations: registrations.length, attendance: attendance.length };
}

/** Reading state for organizers and a few logged coaching sessions per assignment. */
async function insertReadingAndSessions(
  manager: EntityManager,
  plan: Plan,
  civic: CurriculumTrack,
  random: Random,
  now: number,
): Promise<{ reads: number; sessions: number }> {
  const coachMilestones = milestonesOf(civic).filter((m) => m.kind === 'coach');
  const reads: unknown[][] = [];
  const sessions: unknown[][] = [];
  for (const o of plan.organizers) {
    const upTo =
      o.stage === 'certified'
        ? civic.modules.length - 1
        : o.stage === 'reading'
          ? random.int(0, 2)
          : Math.min(
              civic.modules.length - 1,
              coachMilestones[o.attempted - 1].moduleIndex + (random.chance(0.5) ? 1 : 0),
            );
    const span = Math.max(DAY_MS, o.lastActivity.getTime() - o.createdAt.getTime());
    for (let i = 0; i <= upTo; i++)
      reads.push([
        o.id,
        civic.modules[i].id,
        new Date(o.createdAt.getTime() + (span * (i + 0.5)) / (upTo + 1)),
      ]);
    if (!o.coachId || o.stage === 'reading') continue;
    for (let s = random.int(0, 4); s > 0; s--) {
      const held = new Date(o.createdAt.getTime() + random.next() * (now - o.createdAt.getTime()));
      sessions.push([
        o.id,
        o.coachId,
        held.toISOString().slice(0, 10),
        random.pick([30, 45, 60, 90]),
        'Talked through the next milestone and what is blocking it.',
        random.pick([
          '',
          'Draft the partner map before our next call.',
          'Ask two newcomers for feedback on the onboarding doc.',
        ]),
      ]);
    }
  }
  await insertMany(
    manager,
    'module_reads',
    [
      { name: 'user_id', type: 'uuid' },
      { name: 'module_id', type: 'text' },
      { name: 'read_at', type: 'timestamptz' },
    ],
    reads,
  );
  await insertMany(
    manager,
    'coach_sessions',
    [
      { name: 'organizer_id', type: 'uuid' },
      { name: 'coach_id', type: 'uuid' },
      { name: 'held_on', type: 'date' },
      { name: 'duration_minutes', type: 'int' },
      { name: 'private_notes', type: 'text' },
      { name: 'next_step', type: 'text' },
    ],
    sessions,
  );
  return { reads: reads.length, sessions: sessions.length };
}

/** Completions imported by an admin (alumni, and coaches who finished before the platform existed). */
async function importCompletions(
  manager: EntityManager,
  userIds: string[],
  track: CurriculumTrack,
  except: Set<string>,
  at: (userId: string) => Date,
): Promise<void> {
  const milestones = milestonesOf(track);
  const last = milestones.at(-1)!.id;
  const rows: unknown[][] = [];
  for (const userId of userIds)
    for (const m of milestones)
      if (!(except.has(userId) && m.id === last))
        rows.push([userId, m.id, m.moduleId, track.id, 'admin', at(userId)]);
  await insertCompletions(manager, rows);
}

interface Holder {
  userId: string;
  trackId: string;
}

/** Issues certificates through the progress hook (the real path): completing the last milestone signs one. */
async function issueThroughHook(
  ctx: SeedContext,
  holders: Holder[],
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  const lastOf = new Map(ctx.curriculum().tracks.map((t) => [t.id, milestonesOf(t).at(-1)!.id]));
  let done = 0;
  for (const h of holders) {
    await ctx.dataSource.transaction((manager) =>
      ctx.progress.milestoneCompleted(manager, {
        userId: h.userId,
        milestoneId: lastOf.get(h.trackId)!,
        source: h.trackId === CIVIC ? 'coach' : 'admin',
      }),
    );
    done += 1;
    if (done % 50 === 0 || done === holders.length) {
      const perCert = (performance.now() - started) / done;
      log(`  signed ${done}/${holders.length} (${perCert.toFixed(0)} ms each)`);
    }
  }
}

/** Certificates beyond the signed ones: copies of signed credentials, each with its own code and status slot. */
async function insertCopies(
  manager: EntityManager,
  holders: Holder[],
  superseded: Holder[],
  revoked: Set<Holder>,
  random: Random,
  now: number,
): Promise<void> {
  const sources = await manager.query<
    {
      track_id: string;
      credential: string;
      credential_hash: string;
      curriculum_version: string;
      awarded_at: Date;
      valid_until: Date | null;
    }[]
  >(`SELECT track_id, credential::text AS credential, credential_hash, curriculum_version, awarded_at, valid_until
       FROM certificates WHERE superseded_at IS NULL AND revoked_at IS NULL`);
  const byTrack = new Map<string, typeof sources>();
  for (const s of sources) byTrack.set(s.track_id, [...(byTrack.get(s.track_id) ?? []), s]);
  const [list] = await manager.query<{ taken: number; size: number }[]>(
    'SELECT taken, size FROM status_lists WHERE id = 1 FOR UPDATE',
  );
  const needed = holders.length + superseded.length;
  if (list.taken + needed > list.size) throw new Error('status list 1 is too full for the bench data');
  // Random free slots, as the app hands them out.
  const used = new Set(
    (
      await manager.query<{ status_index: number }[]>(
        'SELECT status_index FROM certificates WHERE status_list_id = 1',
      )
    ).map((row) => row.status_index),
  );
  const freeSlot = () => {
    let slot: number;
    do slot = random.int(0, list.size - 1);
    while (used.has(slot));
    used.add(slot);
    return slot;
  };
  const rows: unknown[][] = [];
  const currentId = new Map<string, string>();
  for (const h of holders) {
    const source = random.pick(byTrack.get(h.trackId)!);
    const id = randomUUID();
    currentId.set(`${h.userId}|${h.trackId}`, id);
    const isRevoked = revoked.has(h);
    rows.push([
      id,
      newCode(),
      h.userId,
      h.trackId,
      source.credential,
      source.credential_hash,
      source.curriculum_version,
      source.awarded_at,
      source.valid_until,
      1,
      freeSlot(),
      isRevoked ? new Date(now - random.int(1, 200) * DAY_MS) : null,
      isRevoked ? 'Issued in error: milestones were imported for the wrong person.' : null,
      null,
      null,
      random.chance(0.02),
      new Date(now - random.int(0, 30) * DAY_MS),
    ]);
  }
  for (const h of superseded) {
    const source = random.pick(byTrack.get(h.trackId)!);
    const replacement = currentId.get(`${h.userId}|${h.trackId}`);
    if (!replacement) throw new Error('planning error: superseded certificate without a current one');
    rows.push([
      randomUUID(),
      newCode(),
      h.userId,
      h.trackId,
      source.credential,
      source.credential_hash,
      source.curriculum_version,
      source.awarded_at,
      source.valid_until,
      1,
      freeSlot(),
      null,
      null,
      new Date(now - random.int(31, 400) * DAY_MS),
      replacement,
      false,
      new Date(now - random.int(400, 800) * DAY_MS),
    ]);
  }
  await insertMany(
    manager,
    'certificates',
    [
      { name: 'id', type: 'uuid' },
      { name: 'code', type: 'text' },
      { name: 'user_id', type: 'uuid' },
      { name: 'track_id', type: 'text' },
      { name: 'credential', type: 'text', expr: 't."credential"::jsonb' },
      { name: 'credential_hash', type: 'text' },
      { name: 'curriculum_version', type: 'text' },
      { name: 'awarded_at', type: 'timestamptz' },
      { name: 'valid_until', type: 'timestamptz' },
      { name: 'status_list_id', type: 'int' },
      { name: 'status_index', type: 'int' },
      { name: 'revoked_at', type: 'timestamptz' },
      { name: 'revoked_reason', type: 'text' },
      { name: 'superseded_at', type: 'timestamptz' },
      { name: 'superseded_by_id', type: 'uuid' },
      { name: 'hidden', type: 'boolean' },
      { name: 'issued_at', type: 'timestamptz' },
    ],
    rows,
    { batchSize: 1_000 },
  );
  await manager.query('UPDATE status_lists SET taken = taken + $1 WHERE id = 1', [needed]);
}

/** Re-issues and revokes alumni certificates through CertificatesService (each re-signs a credential or the list). */
async function reissueAndRevoke(
  ctx: SeedContext,
  adminId: string,
  reissues: number,
  revocations: number,
  log: (line: string) => void,
): Promise<void> {
  if (reissues <= 0 && revocations <= 0) return;
  const step = performance.now();
  const admin = toSessionUser(await ctx.dataSource.manager.findOneByOrFail(User, { id: adminId }));
  const { certificates } = ctx.certificateServices;
  const pick = (n: number) =>
    ctx.dataSource.query<{ id: string }[]>(
      `SELECT c.id FROM certificates c JOIN users u ON u.id = c.user_id
        WHERE NOT u.active AND c.superseded_at IS NULL AND c.revoked_at IS NULL ORDER BY c.code LIMIT $1`,
      [Math.max(0, n)],
    );
  for (const { id } of await pick(reissues))
    await ctx.dataSource.transaction((m) => certificates.reissue(m, admin, id));
  for (const { id } of await pick(revocations))
    await ctx.dataSource.transaction((m) =>
      certificates.revoke(m, admin, id, 'Issued in error: milestones were imported for the wrong person.'),
    );
  log(
    `re-issued ${Math.max(0, reissues)} and revoked ${Math.max(0, revocations)} through the service: ${secondsSince(step)}`,
  );
}

async function buildManifest(ctx: SeedContext): Promise<BenchManifest> {
  const manager = ctx.dataSource.manager;
  const civic = ctx.curriculum().trackById.get(CIVIC)!;
  const [coach] = await manager.query<{ email: string; n: number }[]>(
    `SELECT u.email, count(*)::int AS n FROM coach_assignments a JOIN users u ON u.id = a.coach_id
      WHERE u.email = $1 AND a.ended_at IS NULL GROUP BY u.email`,
    [email('coach', 1, 3)],
  );
  const organizers = await manager.query<{ email: string }[]>(
    `SELECT email FROM users WHERE role = 'organizer' AND active AND email LIKE $1 ORDER BY email LIMIT 500`,
    [`bench-organizer-%@${BENCH_DOMAIN}`],
  );
  const certificates = await manager.query<{ code: string }[]>(
    `SELECT c.code FROM certificates c JOIN users u ON u.id = c.user_id
      WHERE c.credential->>'id' = $1 || '/c/' || c.code
        AND c.revoked_at IS NULL AND c.superseded_at IS NULL AND NOT c.hidden AND u.email LIKE $2
      ORDER BY c.code`,
    [ctx.config.baseUrl, `%@${BENCH_DOMAIN}`],
  );
  const chapterPaths = await seedChapterPages(manager, 'Bench %');
  return {
    createdAt: new Date().toISOString(),
    baseUrl: ctx.config.baseUrl,
    chapterPaths,
    password: BENCH_PASSWORD,
    trackId: CIVIC,
    modulePaths: civic.modules.map((m) => `/tracks/${CIVIC}/${m.id}`),
    coach: { email: coach?.email ?? email('coach', 1, 3), organizers: coach?.n ?? 0 },
    organizers: organizers.map((o) => o.email),
    certificates: certificates.map((c) => c.code),
    counts: await tableCounts(manager, [
      'chapters',
      'users',
      'coach_assignments',
      'evidence_submissions',
      'submission_reviews',
      'milestone_completions',
      'workshops',
      'workshop_registrations',
      'workshop_attendance',
      'certificates',
    ]),
  };
}

async function seed(ctx: SeedContext, log: (line: string) => void): Promise<Record<string, number>> {
  const t0 = performance.now();
  const random = new Random(20_240_601);
  const now = Date.now();
  const civic = ctx.curriculum().trackById.get(CIVIC);
  const coachTrack = ctx.curriculum().trackById.get(COACH_TRACK);
  if (!civic || !coachTrack)
    throw new Error(`the curriculum needs the "${CIVIC}" and "${COACH_TRACK}" tracks`);

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const plan = planPeople(random, now, milestonesOf(civic).filter((m) => m.kind === 'coach').length);
  const certifiedOrganizers = plan.organizers.filter((o) => o.stage === 'certified');
  const coachHolders: Holder[] = plan.coaches.map((c) => ({ userId: c.id, trackId: COACH_TRACK }));
  const ordered: Holder[] = [
    ...coachHolders.slice(0, COACH_TRACK_SIGNED),
    ...certifiedOrganizers.map((o) => ({ userId: o.id, trackId: CIVIC })),
    ...coachHolders.slice(COACH_TRACK_SIGNED),
    ...plan.coaches.map((c) => ({ userId: c.id, trackId: CIVIC })),
    ...plan.alumni.map((a) => ({ userId: a.id, trackId: CIVIC })),
  ];
  const signCount = signedCount(ordered.length);
  const toSign = ordered.slice(0, signCount);
  const toCopy = ordered.slice(signCount);
  const holdBack = new Set(toSign.map((h) => h.userId));

  let step = performance.now();
  const stats: Record<string, number> = {};
  await ctx.dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL synchronous_commit = off');
    await insertPeople(manager, plan, passwordHash, now);
    stats.assignments = await insertAssignments(manager, plan, random, now);
    log(`people and assignments: ${secondsSince(step)}`);
    step = performance.now();
    const coaching = await insertCoaching(manager, plan, civic, random, now, holdBack);
    Object.assign(stats, { submissions: coaching.submissions, reviews: coaching.reviews });
    log(`evidence and reviews: ${secondsSince(step)}`);
    step = performance.now();
    Object.assign(stats, await insertWorkshops(manager, plan, civic, coachTrack, random, now));
    Object.assign(stats, await insertReadingAndSessions(manager, plan, civic, random, now));
    log(`workshops, reading, sessions: ${secondsSince(step)}`);
    step = performance.now();
    // Coaches finished both tracks and alumni the civic track before the platform: imported completions.
    const coachIds = plan.coaches.map((c) => c.id);
    const imported = new Map(
      [...plan.coaches, ...plan.alumni].map((p) => [p.id, new Date(p.createdAt.getTime() + 200 * DAY_MS)]),
    );
    const heldBack = (trackId: string) =>
      new Set(toSign.filter((h) => h.trackId === trackId).map((h) => h.userId));
    await importCompletions(manager, coachIds, coachTrack, heldBack(COACH_TRACK), (id) => imported.get(id)!);
    await importCompletions(
      manager,
      [...coachIds, ...plan.alumni.map((a) => a.id)],
      civic,
      heldBack(CIVIC),
      (id) => imported.get(id)!,
    );
    log(`imported completions: ${secondsSince(step)}`);
  });

  step = performance.now();
  log(`signing ${toSign.length} certificates through the progress hook (eddsa-rdfc-2022)…`);
  await issueThroughHook(ctx, toSign, log);
  stats.signed = toSign.length;
  stats.signSeconds = Math.round((performance.now() - step) / 100) / 10;

  step = performance.now();
  const alumniIds = new Set(plan.alumni.map((a) => a.id));
  const alumniCopies = toCopy.filter((h) => alumniIds.has(h.userId));
  const shuffled = random.sample(alumniCopies, alumniCopies.length);
  const superseded = shuffled.slice(0, COUNTS.superseded);
  const revoked = new Set(shuffled.slice(COUNTS.superseded, COUNTS.superseded + COUNTS.revoked));
  await ctx.dataSource.transaction(async (manager) => {
    if (toCopy.length) await insertCopies(manager, toCopy, superseded, revoked, random, now);
    // Revoked and superseded slots are set in the published list (re-signed through the real service).
    const { lists, verification } = ctx.certificateServices;
    await lists.publish(manager, 1, verification.documentLoader(manager));
  });
  log(
    `${toCopy.length + superseded.length} more certificates (copies of signed credentials) and the status list: ${secondsSince(step)}`,
  );
  // With every certificate signed (BENCH_SIGNED_CERTS=all), re-issues and revocations go through the service too.
  await reissueAndRevoke(
    ctx,
    plan.admins[0].id,
    COUNTS.superseded - superseded.length,
    COUNTS.revoked - revoked.size,
    log,
  );
  await ctx.dataSource.query('ANALYZE');
  log(`total: ${secondsSince(t0)}`);
  stats.totalSeconds = Math.round((performance.now() - t0) / 100) / 10;
  return stats;
}

runCli(async () => {
  const args = parseArgs(process.argv.slice(2));
  const ctx = await openSeedContext();
  const log = (line: string) => console.log(line);
  try {
    const manifestFile = path.resolve(args.manifest ?? path.join(ctx.config.dataDir, 'bench-manifest.json'));
    const exists = await ctx.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM chapters WHERE name = $1',
      [MARKER_CHAPTER],
    );
    let seeded: Record<string, number> | undefined;
    if (exists[0].n > 0) {
      log('Bench data already exists in this database; not seeding again (the manifest is rewritten).');
      if (process.env.BENCH_SCALE)
        log(
          'BENCH_SCALE applies to a fresh database only: use a new DATA_DIR (or DATABASE_URL) to change the size.',
        );
    } else {
      const users = await ctx.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM users');
      if (users[0].n > 0)
        log(`Note: this database already has ${users[0].n} accounts; the bench data is added next to them.`);
      log(
        `Seeding bench data into ${ctx.config.databaseUrl ? 'DATABASE_URL' : ctx.config.dataDir} (BASE_URL ${ctx.config.baseUrl})…`,
      );
      seeded = await seed(ctx, log);
      const scale = benchScale();
      if (scale > 1) {
        const started = performance.now();
        log(`Growing the data set to ${scale}× (BENCH_SCALE)…`);
        // A connection without the app's query timeout: a copy at 50× runs longer than 15 s.
        const pool = createStreamingPool(ctx.pool.options, 1);
        const client = await pool.connect();
        try {
          await growByCopies(client, scale, log);
          await client.query('ANALYZE');
        } finally {
          client.release();
          await pool.end();
        }
        seeded = { ...seeded, scale, scaleSeconds: Math.round((performance.now() - started) / 100) / 10 };
        log(`grown to ${scale}×: ${secondsSince(started)}`);
      }
    }
    // Cohorts too (older bench databases had none), on a connection without the query timeout.
    const cohortPool = createStreamingPool(ctx.pool.options, 1);
    const cohortClient = await cohortPool.connect();
    try {
      const started = performance.now();
      const cohorts = await ensureBenchCohorts(cohortClient);
      if (cohorts) log(`${cohorts} cohorts for about seven in ten organizers: ${secondsSince(started)}`);
    } finally {
      cohortClient.release();
      await cohortPool.end();
    }
    // The busy circle is added to old bench databases too (only the posts they lack).
    const circle = await ctx.dataSource.transaction((m) => ensureBenchCircle(m));
    const manifest = { ...(await buildManifest(ctx)), circle, ...(seeded && { seed: seeded }) };
    fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
    fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    log(
      `\n${Object.entries(manifest.counts)
        .map(([table, n]) => `  ${table.padEnd(24)} ${n.toLocaleString('en-US')}`)
        .join('\n')}`,
    );
    log(`  dashboard coach          ${manifest.coach.email} (${manifest.coach.organizers} organizers)`);
    log(
      `  signed certificates      ${manifest.certificates.length} with their own URL (BASE_URL ${manifest.baseUrl})`,
    );
    log(`  password (every account) ${BENCH_PASSWORD}`);
    log(`Manifest: ${manifestFile}`);
    if (manifest.certificates.length === 0)
      log('Warning: no certificate names this BASE_URL; the data was seeded with another BASE_URL.');
  } finally {
    await ctx.db.close();
  }
});
