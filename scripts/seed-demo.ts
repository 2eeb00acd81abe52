import 'reflect-metadata';
import type { EntityManager } from 'typeorm';
import { AccountsService } from '../src/accounts/accounts.service';
import { Chapter } from '../src/accounts/chapter.entity';
import { Cohort } from '../src/accounts/cohort.entity';
import { LoginThrottle } from '../src/accounts/login-throttle';
import { hashPassword, passwordProblem } from '../src/accounts/passwords';
import type { SessionUser } from '../src/accounts/session-user';
import { User } from '../src/accounts/user.entity';
import { toSessionUser } from '../src/accounts/users';
import { ChaptersService } from '../src/admin/chapters.service';
import { CohortsService } from '../src/admin/cohorts.service';
import { InvitesService } from '../src/accounts/invites.service';
import { Certificate } from '../src/certificates/certificate.entities';
import { AssignmentsService } from '../src/coaching/assignments.service';
import { RecordsService } from '../src/coaching/records.service';
import { SubmissionsService } from '../src/coaching/submissions.service';
import type { CurriculumTrack } from '../src/curriculum/curriculum.types';
import { AttemptLimiter } from '../src/web/attempt-limiter';
import { AttendanceService } from '../src/workshops/attendance.service';
import { WorkshopsService } from '../src/workshops/workshops.service';
import { runCli } from './run-cli';
import { openSeedContext, type SeedContext } from './seed/context';
import { seedDemoDoors } from './seed/demo-doors';
import { seedDemoTalk } from './seed/demo-talk';
import { DAY_MS } from './seed/random';

/**
 * `npm run seed:demo`: a small, believable program to click through — two chapters, an admin, two
 * coaches and organizers at every stage, workshops past and upcoming, and one organizer who
 * finished the track and holds a certificate issued by the real progress hook; then the fellowship
 * and open doors (circle talk, a published story, gatherings, public chapter pages, a project with
 * an open role, the talent listing, requests waiting for the admin: see ./seed/demo-*.ts). Everything goes
 * through the services (audit rows and outbox emails included) in one transaction. Run again, it
 * only prints how to sign in. DEMO_PASSWORD sets the password every demo account gets.
 */

const DOMAIN = 'demo.example.org';
const PASSWORD = process.env.DEMO_PASSWORD ?? 'civic tech demo password';
/** The organizer ladder, first tier first: the demo's people work through it in this order. */
const LADDER = ['civic-tech-host', 'civic-tech-organizer', 'civic-tech-chapter-lead'];

interface DemoPerson {
  key: string;
  name: string;
  role: 'admin' | 'coach' | 'organizer';
  chapter: 'boston' | 'oakland' | null;
  /** What this account shows, printed with the sign-in details. */
  story: string;
}

const CHAPTERS = {
  boston: { name: 'Code for Boston', region: 'Boston, MA', timeZone: 'America/New_York' },
  oakland: { name: 'OpenOakland', region: 'Oakland, CA', timeZone: 'America/Los_Angeles' },
} as const;

const PEOPLE: DemoPerson[] = [
  {
    key: 'admin',
    name: 'Morgan Ellis',
    role: 'admin',
    chapter: null,
    story: 'program admin: people, invites, certificates, outbox',
  },
  {
    key: 'sam.okafor',
    name: 'Sam Okafor',
    role: 'coach',
    chapter: 'boston',
    story: 'coaches Jamie, Alex and Taylor; evidence waiting',
  },
  {
    key: 'rosa.diaz',
    name: 'Rosa Díaz',
    role: 'coach',
    chapter: 'oakland',
    story: 'coaches Jordan and Riley; facilitates workshops',
  },
  {
    key: 'jamie.chen',
    name: 'Jamie Chen',
    role: 'organizer',
    chapter: 'boston',
    story: 'just started: reading the first modules',
  },
  {
    key: 'alex.kim',
    name: 'Alex Kim',
    role: 'organizer',
    chapter: 'boston',
    story: 'first module done, evidence waiting for review',
  },
  {
    key: 'taylor.brooks',
    name: 'Taylor Brooks',
    role: 'organizer',
    chapter: 'boston',
    story: 'changes requested on a milestone',
  },
  {
    key: 'jordan.patel',
    name: 'Jordan Patel',
    role: 'organizer',
    chapter: 'oakland',
    story: 'halfway through, a workshop attended',
  },
  {
    key: 'riley.nguyen',
    name: 'Riley Nguyen',
    role: 'organizer',
    chapter: 'oakland',
    story: 'finished the track and holds the certificate',
  },
  {
    key: 'casey.morgan',
    name: 'Casey Morgan',
    role: 'organizer',
    chapter: 'oakland',
    story: 'new, waiting for a coach',
  },
];

const emailOf = (key: string) => `${key}@${DOMAIN}`;

const EVIDENCE = [
  'We ran this at our Tuesday hack night with eleven people, four of them new. Notes and the sign-in sheet are linked below; three newcomers came back the following week.',
  'I wrote a one-page plan, shared it in our Slack, and revised it after feedback from two members. The final version is linked.',
  'Here is what we tried, what worked and what I would change next time. The partner reviewed the draft before we published it.',
];

function milestonesOf(track: CurriculumTrack) {
  return track.modules.flatMap((module) => module.milestones.map((m) => ({ ...m, moduleId: module.id })));
}

async function findDemo(ctx: SeedContext) {
  const admin = await ctx.dataSource.manager.findOne(User, { where: { email: emailOf('admin') } });
  const certificate = admin
    ? await ctx.dataSource.manager
        .createQueryBuilder(Certificate, 'c')
        .innerJoin('c.user', 'u')
        .where('u.email = :email AND c.superseded_at IS NULL', { email: emailOf('riley.nguyen') })
        .orderBy('c.issued_at', 'DESC')
        .getOne()
    : null;
  return { admin, certificate };
}

function printSignIn(baseUrl: string, certificateCode: string | undefined, passwordKnown: boolean): void {
  console.log(
    `\nSign in at ${baseUrl}/login with ${passwordKnown ? `the password "${PASSWORD}"` : 'the password set when the demo was created (DEMO_PASSWORD, or the default "civic tech demo password")'}:\n`,
  );
  for (const p of PEOPLE)
    console.log(`  ${p.role.padEnd(9)} ${p.name.padEnd(14)} ${emailOf(p.key).padEnd(32)} ${p.story}`);
  if (certificateCode)
    console.log(`\nRiley's certificate (public, no sign-in needed): ${baseUrl}/c/${certificateCode}`);
  console.log(
    `Check a credential: ${baseUrl}/verify · Emails the demo "sent" are on ${baseUrl}/admin/outbox`,
  );
  console.log(
    `Circle talk (sign in as Jordan or Riley): ${baseUrl}/circles · Gatherings: ${baseUrl}/gatherings\n` +
      `Public pages (no sign-in): ${baseUrl}/chapters (the map) and ${baseUrl}/chapters/openoakland (its /stories too), ${baseUrl}/opportunities, ${baseUrl}/people/listed\n` +
      `Waiting for the admin: ${baseUrl}/admin/requests and ${baseUrl}/admin/partner-requests\n`,
  );
}

async function seedDemo(ctx: SeedContext, manager: EntityManager): Promise<void> {
  const { config, curriculum, progress, pool } = ctx;
  const tracks = LADDER.map((id) => curriculum().trackById.get(id));
  const missing = LADDER.filter((_id, i) => !tracks[i]);
  if (missing.length) throw new Error(`the curriculum has no "${missing.join('", "')}" track`);
  const all = tracks.flatMap((track) => milestonesOf(track!));
  const ladderModules = tracks.flatMap((track) => track!.modules);
  // Alternatives (for chapters whose alliance provides budget or outreach) stay out of the demo's story.
  const coachMilestones = all.filter((m) => m.kind === 'coach' && !m.alternativeTo);
  const workshopMilestones = all.filter((m) => m.kind === 'workshop');

  const accounts = new AccountsService(new LoginThrottle(pool), config.baseUrl);
  const chaptersService = new ChaptersService();
  const assignments = new AssignmentsService(config.baseUrl);
  const submissions = new SubmissionsService(curriculum, progress, config.baseUrl);
  const records = new RecordsService(curriculum);
  const workshops = new WorkshopsService(curriculum, config.baseUrl);
  const attendance = new AttendanceService(
    workshops,
    progress,
    new AttemptLimiter(pool, {
      prefix: 'check_in',
      attempts: 5,
      windowSeconds: 600,
      blockSeconds: 600,
      message: 'Too many wrong codes.',
    }),
  );

  // The admin: through the first-admin setup flow when the instance has none yet.
  const adminSpec = PEOPLE[0];
  let admin: SessionUser;
  const setupToken = await accounts.issueSetupToken(manager);
  if (setupToken) {
    admin = await accounts.completeSetup(manager, setupToken, {
      email: emailOf(adminSpec.key),
      displayName: adminSpec.name,
      password: PASSWORD,
    });
  } else {
    admin = toSessionUser(
      await manager.save(
        manager.create(User, {
          email: emailOf(adminSpec.key),
          displayName: adminSpec.name,
          passwordHash: await hashPassword(PASSWORD),
          role: 'admin',
          chapterId: null,
        }),
      ),
    );
  }

  const chapterIds: Record<keyof typeof CHAPTERS, string> = { boston: '', oakland: '' };
  for (const [key, input] of Object.entries(CHAPTERS) as [
    keyof typeof CHAPTERS,
    (typeof CHAPTERS)[keyof typeof CHAPTERS],
  ][]) {
    const existing = await manager.findOne(Chapter, { where: { name: input.name } });
    chapterIds[key] = existing?.id ?? (await chaptersService.create(manager, admin, { ...input })).id;
  }

  // Organizers still on the track from both chapters share a cohort, and so a cohort circle.
  // (An instance that already has a cohort of that name, like the chapters above, lends it.)
  const cohort =
    (await manager.findOne(Cohort, { where: { name: 'Spring 2027' } })) ??
    (await new CohortsService().create(manager, admin, { name: 'Spring 2027', chapterId: null }));
  const inCohort = new Set(['jamie.chen', 'alex.kim', 'taylor.brooks', 'jordan.patel', 'casey.morgan']);
  const people = new Map<string, SessionUser>([['admin', admin]]);
  for (const p of PEOPLE.slice(1)) {
    const user = await manager.save(
      manager.create(User, {
        email: emailOf(p.key),
        displayName: p.name,
        passwordHash: await hashPassword(PASSWORD),
        role: p.role,
        chapterId: p.chapter ? chapterIds[p.chapter] : null,
        cohortId: inCohort.has(p.key) ? cohort.id : null,
        lastLoginAt: new Date(Date.now() - 2 * DAY_MS),
      }),
    );
    people.set(p.key, toSessionUser(user));
  }
  const who = (key: string) => people.get(key)!;

  // Coaches for everyone but Casey, who asks for one.
  for (const [organizer, coach] of [
    ['jamie.chen', 'sam.okafor'],
    ['alex.kim', 'sam.okafor'],
    ['taylor.brooks', 'sam.okafor'],
    ['jordan.patel', 'rosa.diaz'],
    ['riley.nguyen', 'rosa.diaz'],
  ])
    await assignments.assign(manager, admin, {
      organizerId: who(organizer).id,
      coachId: who(coach).id,
      reason: '',
      overrideCapacity: false,
    });
  await assignments.requestCoach(
    manager,
    who('casey.morgan'),
    'I run our data team and want to start organizing hack nights. Someone who has done partnerships would be great.',
  );

  // Reading.
  const readModules = async (key: string, count: number) => {
    for (const module of ladderModules.slice(0, count)) await progress.markRead(manager, who(key).id, module);
  };
  await readModules('jamie.chen', 2);
  await readModules('alex.kim', 2);
  await readModules('taylor.brooks', 3);
  await readModules('jordan.patel', 7);
  await readModules('riley.nguyen', ladderModules.length);
  await readModules('casey.morgan', 1);

  // Evidence and reviews: `approve` milestones approved in order, then what happens to the next one.
  let evidenceIndex = 0;
  const evidence = (title: string) => ({
    body: `**${title}**\n\n${EVIDENCE[evidenceIndex++ % EVIDENCE.length]}`,
    links: [`https://docs.example.org/demo/${evidenceIndex}`],
  });
  const submitAndReview = async (
    organizer: string,
    coach: string,
    milestone: (typeof coachMilestones)[number],
    decision: 'approved' | 'changes_requested' | 'pending',
    firstTryRejected = false,
  ) => {
    if (firstTryRejected) {
      const first = await submissions.submit(
        manager,
        who(organizer),
        milestone.id,
        evidence(milestone.title),
      );
      await submissions.review(manager, who(coach), first.id, {
        decision: 'changes_requested',
        feedback:
          'Good start. Add what you would do differently next time, and one piece of feedback from a participant.',
        revision: first.revision,
      });
    }
    const submission = await submissions.submit(
      manager,
      who(organizer),
      milestone.id,
      evidence(milestone.title),
    );
    if (decision === 'pending') return submission;
    await submissions.review(manager, who(coach), submission.id, {
      decision,
      feedback:
        decision === 'approved'
          ? 'Clear and honest. Signed off.'
          : 'This describes the plan; the milestone asks what happened when you tried it. Run it once and tell me how it went.',
      revision: submission.revision,
    });
    return submission;
  };
  for (const [i, m] of coachMilestones.slice(0, 3).entries())
    await submitAndReview('alex.kim', 'sam.okafor', m, 'approved', i === 1);
  const waiting = [await submitAndReview('alex.kim', 'sam.okafor', coachMilestones[3], 'pending')];
  for (const m of coachMilestones.slice(0, 2))
    await submitAndReview('taylor.brooks', 'sam.okafor', m, 'approved');
  await submitAndReview('taylor.brooks', 'sam.okafor', coachMilestones[2], 'changes_requested');
  for (const [i, m] of coachMilestones.slice(0, 15).entries())
    await submitAndReview('jordan.patel', 'rosa.diaz', m, 'approved', i % 5 === 2);
  waiting.push(await submitAndReview('jordan.patel', 'rosa.diaz', coachMilestones[15], 'pending'));
  for (const [i, m] of coachMilestones.entries())
    await submitAndReview('riley.nguyen', 'rosa.diaz', m, 'approved', i % 9 === 4);

  // Workshops: one past session per workshop milestone in Oakland (Riley attends all, Jordan the
  // first), and one in Boston; then upcoming ones with seats and a waitlist.
  const hour = 3_600_000;
  /** Evenings, local time: 18:00 in Boston (23:00 UTC) and in Oakland (02:00 UTC the next day). */
  const eveningIn = (chapter: keyof typeof CHAPTERS, days: number) => {
    const day = new Date(Date.now() + days * DAY_MS);
    day.setUTCHours(chapter === 'boston' ? 23 : 26, 0, 0, 0);
    return day;
  };
  const schedule = async (
    creator: string,
    chapter: keyof typeof CHAPTERS,
    milestoneId: string,
    title: string,
    capacity: number,
    startsInDays: number,
  ) =>
    workshops.create(manager, who(creator), {
      title,
      description: `A hands-on session for the **${title}** milestone. Bring a real example from your chapter.`,
      milestoneIds: [milestoneId],
      startsAt: eveningIn(chapter, startsInDays),
      endsAt: new Date(eveningIn(chapter, startsInDays).getTime() + 2 * hour),
      timeZone: CHAPTERS[chapter].timeZone,
      location:
        chapter === 'boston'
          ? 'Cambridge Public Library, community room'
          : 'Oakland Public Library, Main Branch',
      onlineUrl: null,
      capacity,
      chapterId: chapterIds[chapter],
    });
  const past: {
    id: string;
    attendees: { key: string; status: 'present' | 'absent' | 'excused' }[];
    daysAgo: number;
  }[] = [];
  for (const [i, m] of workshopMilestones.entries()) {
    const w = await schedule('rosa.diaz', 'oakland', m.id, m.title, 20, 1);
    const attendees: (typeof past)[number]['attendees'] = [{ key: 'riley.nguyen', status: 'present' }];
    if (i === 0) attendees.push({ key: 'jordan.patel', status: 'present' });
    if (i === 1) attendees.push({ key: 'jordan.patel', status: 'excused' });
    past.push({ id: w.id, attendees, daysAgo: 120 - i * 25 });
  }
  const bostonPast = await schedule(
    'sam.okafor',
    'boston',
    workshopMilestones[0].id,
    workshopMilestones[0].title,
    15,
    1,
  );
  past.push({
    id: bostonPast.id,
    attendees: [
      { key: 'alex.kim', status: 'present' },
      { key: 'taylor.brooks', status: 'absent' },
    ],
    daysAgo: 30,
  });
  for (const w of past) for (const a of w.attendees) await workshops.register(manager, who(a.key), w.id);
  // Move them into the past (the service only schedules future workshops), then take attendance.
  for (const w of past) {
    await manager.query(
      `UPDATE workshops SET starts_at = starts_at - make_interval(days => $2 + 1), ends_at = ends_at - make_interval(days => $2 + 1),
              created_at = created_at - make_interval(days => $2 + 20) WHERE id = $1`,
      [w.id, w.daysAgo],
    );
    await manager.query(
      'UPDATE workshop_registrations SET created_at = created_at - make_interval(days => $2 + 5) WHERE workshop_id = $1',
      [w.id, w.daysAgo],
    );
    const facilitator = w.id === bostonPast.id ? 'sam.okafor' : 'rosa.diaz';
    await attendance.mark(
      manager,
      who(facilitator),
      w.id,
      w.attendees.map((a) => ({ userId: who(a.key).id, status: a.status })),
    );
  }
  const upcomingBoston = await schedule(
    'sam.okafor',
    'boston',
    workshopMilestones[1].id,
    workshopMilestones[1].title,
    12,
    9,
  );
  for (const key of ['jamie.chen', 'alex.kim', 'taylor.brooks'])
    await workshops.register(manager, who(key), upcomingBoston.id);
  const upcomingOakland = await schedule(
    'rosa.diaz',
    'oakland',
    workshopMilestones[2].id,
    `${workshopMilestones[2].title} (small group)`,
    2,
    16,
  );
  for (const key of ['jordan.patel', 'casey.morgan', 'riley.nguyen'])
    await workshops.register(manager, who(key), upcomingOakland.id);

  // Coaching sessions, with a next step the organizer sees.
  const today = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
  await records.logSession(manager, who('sam.okafor'), who('alex.kim').id, {
    heldOn: today(6),
    durationMinutes: 45,
    privateNotes: 'Nervous about running meetings; practise the agenda together.',
    nextStep: 'Draft the agenda for the next hack night and send it to Sam.',
  });
  await records.logSession(manager, who('sam.okafor'), who('taylor.brooks').id, {
    heldOn: today(3),
    durationMinutes: 30,
    privateNotes: '',
    nextStep: 'Rework the hack night retro with one quote from a participant.',
  });
  await records.logSession(manager, who('rosa.diaz'), who('jordan.patel').id, {
    heldOn: today(10),
    durationMinutes: 60,
    privateNotes: 'Strong on partnerships, less on budgets.',
    nextStep: 'Map the three partners you already talk to.',
  });

  // A little history, so dashboards show waiting times and activity dates.
  await manager.query(
    `UPDATE evidence_submissions SET submitted_at = submitted_at - interval '3 days', updated_at = updated_at - interval '3 days' WHERE id = ANY($1)`,
    [waiting.map((s) => s.id)],
  );
  await manager.query(`UPDATE users SET last_login_at = now() - interval '45 days' WHERE email = $1`, [
    emailOf('taylor.brooks'),
  ]);

  // Fellowship and open doors, once Riley holds the certificate the talent listing needs.
  const cast = {
    manager,
    baseUrl: config.baseUrl,
    curriculum,
    who,
    chapterIds,
    cohortId: cohort.id,
    reworkMilestoneId: coachMilestones[2].id,
  };
  await seedDemoTalk(cast, pool);
  await seedDemoDoors(cast, pool, new InvitesService(config.baseUrl));
}

runCli(async () => {
  const problem = passwordProblem(PASSWORD);
  if (problem) throw new Error(`DEMO_PASSWORD: ${problem}`);
  const ctx = await openSeedContext();
  try {
    const found = await findDemo(ctx);
    if (found.admin) {
      console.log(`Demo data already exists in this database (${emailOf('admin')}); nothing was changed.`);
      printSignIn(ctx.config.baseUrl, found.certificate?.code, false);
      return;
    }
    if (ctx.config.env === 'production' && !process.argv.includes('--force')) {
      console.log(
        'NODE_ENV is production: demo accounts with a known password would be added to this instance. Run with -- --force if that is really what you want.',
      );
      process.exitCode = 1;
      return;
    }
    const start = performance.now();
    await ctx.dataSource.transaction((manager) => seedDemo(ctx, manager));
    const { certificate } = await findDemo(ctx);
    if (!certificate) throw new Error('the demo track was completed but no certificate was issued');
    console.log(
      `Demo data created in ${((performance.now() - start) / 1000).toFixed(1)} s (${ctx.config.databaseUrl ? 'DATABASE_URL' : ctx.config.dataDir}).`,
    );
    printSignIn(ctx.config.baseUrl, certificate.code, true);
    console.log(
      `The certificate names BASE_URL (${ctx.config.baseUrl}); start the app with the same BASE_URL so it verifies.`,
    );
  } finally {
    await ctx.db.close();
  }
});
