import { Circle } from '../../src/circles/circle.entities';
import { CirclesService } from '../../src/circles/circles.service';
import { ChapterPage } from '../../src/directory/chapter-page.entity';
import type { ChapterPageInput } from '../../src/directory/directory.schemas';
import { DirectoryService } from '../../src/directory/directory.service';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { JoinService } from '../../src/doors/join.service';
import { PartnersService } from '../../src/doors/partners.service';
import { GatheringAttendanceService } from '../../src/gatherings/attendance.service';
import { GatheringsService, type GatheringInput } from '../../src/gatherings/gatherings.service';
import { RsvpService } from '../../src/gatherings/rsvp.service';
import { OpportunitiesService } from '../../src/projects/opportunities.service';
import { ProjectsService } from '../../src/projects/projects.service';
import { TalentService } from '../../src/projects/talent.service';
import type { InvitesService } from '../../src/accounts/invites.service';
import { AttemptLimiter } from '../../src/web/attempt-limiter';
import type { Pool } from 'pg';
import { eveningIn, hoursAfter, tuesdayIn, type DemoCast } from './demo-cast';

/**
 * Both chapters get a listed public page; OpenOakland's is the one the rest of the demo fills. A
 * chapter that already has a page (an instance that had a chapter of the demo's name) keeps it.
 */
async function publishChapterPages(cast: DemoCast): Promise<void> {
  const directory = new DirectoryService();
  const admin = cast.who('admin');
  const save = async (chapterId: string, input: ChapterPageInput) => {
    if (!(await cast.manager.existsBy(ChapterPage, { chapterId })))
      await directory.save(cast.manager, admin, chapterId, input);
  };
  await save(cast.chapterIds.oakland, {
    slug: 'openoakland',
    about:
      'OpenOakland is a volunteer group of neighbors, coders, designers and city staff who build tools with Oakland’s community groups: a pantry finder, a cooling center map, a guide to small business permits.\n\nYou do not need to code. Come once, sit at the newcomer table, and we will find you something useful to do in your first evening.',
    meetingWhen: 'Hack night every other Tuesday, 6:00–8:30 pm',
    meetingWhere: 'Oakland Public Library, Main Branch, 125 14th St (second floor)',
    contact: 'https://openoakland.example.org/join',
    links: 'https://openoakland.example.org\nhttps://github.com/example/pantry-finder',
    listed: true,
    countryCode: 'US',
    stateCode: 'CA',
  });
  await save(cast.chapterIds.boston, {
    slug: 'code-for-boston',
    about:
      'Code for Boston brings together people who want to make government and nonprofit services in Greater Boston work better for everyone. We work on a few projects at a time, with partners who will keep them running.',
    meetingWhen: 'Tuesdays, 6:00–8:00 pm',
    meetingWhere: 'Cambridge Public Library, community room',
    contact: 'https://codeforboston.example.org',
    links: '',
    listed: true,
    countryCode: 'US',
    stateCode: 'MA',
  });
}

/**
 * A public hack night coming up in each chapter's circle with a few "yes" answers, and an OpenOakland
 * potluck three weeks ago whose host recorded who came.
 */
async function seedGatherings(cast: DemoCast, pool: Pool): Promise<void> {
  const { manager, who } = cast;
  const gatherings = new GatheringsService(new CirclesService(), cast.baseUrl);
  const rsvps = new RsvpService(gatherings);
  // Check-in codes are typed by people in the room; the seed marks attendance as the host, no codes.
  const attendance = new GatheringAttendanceService(
    gatherings,
    new AttemptLimiter(pool, {
      prefix: 'gathering_check_in',
      attempts: 5,
      windowSeconds: 600,
      blockSeconds: 600,
      message: 'Too many wrong check-in codes.',
    }),
  );
  const circleOf = async (chapterId: string) => (await manager.findOneByOrFail(Circle, { chapterId })).id;
  const evening = (chapter: 'boston' | 'oakland', days: number, title: string) => {
    const startsAt = eveningIn(chapter, days);
    return { startsAt, endsAt: hoursAfter(startsAt, 2.5), title };
  };
  const oakland: Omit<GatheringInput, 'startsAt' | 'endsAt' | 'title'> = {
    circleId: await circleOf(cast.chapterIds.oakland),
    kind: 'hack_night',
    description:
      'We finish checking the pantry finder’s listings before the holidays. Newcomers welcome: there is a table for you with a printed checklist. Pizza at 6:15.',
    timeZone: 'America/Los_Angeles',
    location: 'Oakland Public Library, Main Branch, second floor',
    onlineUrl: null,
    capacity: 30,
    isPublic: true,
  };
  const hackNight = await gatherings.schedule(manager, who('rosa.diaz'), {
    ...oakland,
    ...evening('oakland', tuesdayIn(4), 'Pantry finder hack night'),
  });
  for (const key of ['jordan.patel', 'riley.nguyen', 'casey.morgan'])
    await rsvps.answer(manager, who(key), hackNight.id, 'yes');

  const boston = await gatherings.schedule(manager, who('sam.okafor'), {
    ...oakland,
    ...evening('boston', tuesdayIn(2), 'Snow-route map hack night'),
    circleId: await circleOf(cast.chapterIds.boston),
    description: 'We get the snow-route map ready for the first storm. Bring a laptop if you have one.',
    timeZone: 'America/New_York',
    location: 'Cambridge Public Library, community room',
    capacity: null,
  });
  for (const key of ['jamie.chen', 'alex.kim']) await rsvps.answer(manager, who(key), boston.id, 'yes');
  await rsvps.answer(manager, who('taylor.brooks'), boston.id, 'no');

  // The potluck: scheduled and answered while it was in the future (the services refuse otherwise),
  // then moved three weeks back, and the host marks who came.
  const potluck = await gatherings.schedule(manager, who('rosa.diaz'), {
    ...oakland,
    ...evening('oakland', 1, 'Fall potluck and project show-and-tell'),
    kind: 'potluck',
    description: 'Bring a dish and five minutes on what your project did this fall.',
    location: 'Lakeside Park Garden Center, Oakland',
    capacity: null,
  });
  for (const key of ['jordan.patel', 'riley.nguyen', 'casey.morgan'])
    await rsvps.answer(manager, who(key), potluck.id, 'yes');
  await manager.query(
    `UPDATE gatherings SET starts_at = starts_at - interval '22 days', ends_at = ends_at - interval '22 days',
            created_at = created_at - interval '40 days' WHERE id = $1`,
    [potluck.id],
  );
  await manager.query(
    `UPDATE gathering_rsvps SET created_at = created_at - interval '30 days', updated_at = updated_at - interval '30 days' WHERE gathering_id = $1`,
    [potluck.id],
  );
  await attendance.mark(manager, who('rosa.diaz'), potluck.id, [
    { userId: who('jordan.patel').id, status: 'present' },
    { userId: who('riley.nguyen').id, status: 'present' },
    { userId: who('casey.morgan').id, status: 'absent' },
  ]);
}

/** Riley leads a public project with a "people helped" figure, two volunteers and an open role; Riley is listed. */
async function seedProject(cast: DemoCast): Promise<void> {
  const { manager, who } = cast;
  const projects = new ProjectsService(cast.baseUrl);
  const project = await projects.create(manager, who('admin'), {
    chapterId: cast.chapterIds.oakland,
    name: 'Pantry finder',
    partner: 'Fruitvale Community Pantries',
    problem:
      'Families find food pantries through old flyers and word of mouth, and the hours online are often wrong. The pantry finder lists every pantry in East Oakland with hours the pantries confirm each month, in English and Spanish.',
    status: 'active',
    links: ['https://github.com/example/pantry-finder'],
    public: true,
    leadId: who('riley.nguyen').id,
  });
  const riley = who('riley.nguyen');
  await projects.recordImpact(manager, riley, project.id, {
    peopleHelped: 1240,
    unit: 'households',
    method:
      'Visitors who opened a pantry’s page in October and November, from the site’s privacy-friendly analytics; repeat visits from one device count once. The pantries’ own sign-in sheets show a similar rise.',
  });
  for (const key of ['jordan.patel', 'casey.morgan'])
    await projects.addVolunteer(manager, riley, project.id, who(key).id);
  await new OpportunitiesService(projects, cast.baseUrl).addRole(manager, riley, project.id, {
    title: 'Spanish-language reviewer',
    commitment: '2–3 hours a week through January',
    skills: 'Spanish, plain-language writing',
  });
  await new TalentService().optIn(manager, riley, {
    skills: 'Partnerships with food pantries, hack night facilitation, data cleanup',
    note: 'Happy to talk with chapters starting a service directory or working with food banks.',
  });
}

/** The token of the newest confirmation link emailed to `to` (the person "clicks" it). */
async function linkFromOutbox(cast: DemoCast, to: string, path: string): Promise<string> {
  const message = await cast.manager.findOneOrFail(OutboxMessage, {
    where: { toAddress: to },
    order: { createdAt: 'DESC' },
  });
  const token = new RegExp(`${path}/(\\S+)`).exec(message.bodyText)?.[1];
  if (!token) throw new Error(`no ${path} link in the email to ${to}`);
  return token;
}

/**
 * A join request and a partner request, both confirmed and waiting for the admin. The public forms'
 * per-address limits need the request's IP address, so the seed calls the services after them, as
 * the routers do; the person confirms with the link from their email (read from the outbox).
 */
async function seedRequests(cast: DemoCast, invites: InvitesService): Promise<void> {
  const { manager } = cast;
  const join = new JoinService(cast.baseUrl, invites);
  const dana = 'dana.whitfield@example.net';
  await join.submit(manager, {
    name: 'Dana Whitfield',
    email: dana,
    countryCode: 'US',
    stateCode: 'CA',
    region: 'Berkeley',
    intent: 'join',
    note: 'I am a UX designer in Berkeley and can help on weeknights. I have run usability tests for a county website before.',
  });
  await join.confirm(manager, await linkFromOutbox(cast, dana, '/join/confirm'));

  const partners = new PartnersService(cast.baseUrl);
  const marisol = 'marisol.vega@example.net';
  await partners.submit(manager, {
    organisation: 'Fruitvale Tenants Association',
    contactName: 'Marisol Vega',
    contactEmail: marisol,
    kind: 'nonprofit',
    need: 'We track tenants’ repair requests in a shared spreadsheet and lose track of who followed up with the landlord. We would like a simple tool our volunteers can use from their phones, in English and Spanish.',
    deadline: null,
    chapterId: cast.chapterIds.oakland,
    nearState: 'CA',
  });
  await partners.confirm(manager, await linkFromOutbox(cast, marisol, '/partners/confirm'));
}

/**
 * The open doors of the demo: public chapter pages, gatherings, a project with its impact and an
 * open role, Riley in the talent listing, and requests waiting for the admin.
 */
export async function seedDemoDoors(cast: DemoCast, pool: Pool, invites: InvitesService): Promise<void> {
  await publishChapterPages(cast);
  await seedGatherings(cast, pool);
  await seedProject(cast);
  await seedRequests(cast, invites);
}
