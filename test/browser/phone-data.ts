import type { User } from '../../src/accounts/user.entity';
import { Circle } from '../../src/circles/circle.entities';
import { CirclePost } from '../../src/circles/post.entities';
import { Certificate } from '../../src/certificates/certificate.entities';
import { EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { utcToZonedInput as localIn } from '../../src/web/time-zones';
import { certificateKit, TRACK_ID } from '../certificates/kit';
import { createGathering, markPresent } from '../gatherings/helpers';
import { testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { seedDoorsPages, type DoorsPhoneData } from '../doors/phone-seed';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';

/** The rows the phone suite's pages show, with the ids and tokens their paths need. */
export interface PhoneData extends DoorsPhoneData {
  admin: User;
  coach: User;
  organizer: User;
  /** Holds a certificate; their name is long on purpose. */
  holder: User;
  chapterId: string;
  trackId: string;
  moduleId: string;
  milestoneId: string;
  submissionId: string;
  workshopId: string;
  certificateCode: string;
  certificateId: string;
  /** The circle of the organizer's chapter, and a post in it. */
  circleId: string;
  postId: string;
  /** The organizer's own reply to that post (it mentions the certificate holder). */
  replyId: string;
  /** A gathering of that circle about to start, hosted by the coach, with the organizer going. */
  gatheringId: string;
  /** The chapter's public address; one published story is on its page. */
  chapterSlug: string;
  /** A public project of the chapter, led by the organizer, with figures, a volunteer and a role. */
  projectId: string;
  inviteToken: string;
  resetToken: string;
}

const MODULE = 'people-first';
const COACH_MILESTONE = 'people-first-listening-tour';
const WORKSHOP_MILESTONE = 'inclusive-community-incident-response-workshop';
/** Long words and links are what push a phone page sideways; the data has some of each. */
const LONG_LINK =
  'https://docs.example.org/civic-tech/chapters/boston/listening-tour-notes-and-follow-ups-2026';

/** The one-time link in the newest message to `to`, e.g. an invite or a password reset. */
async function tokenSentTo(t: TestApp, to: string, path: string): Promise<string> {
  const [message] = await t.dataSource.manager.find(OutboxMessage, {
    where: { toAddress: to },
    order: { createdAt: 'DESC' },
    take: 1,
  });
  const token = new RegExp(`/${path}/([A-Za-z0-9_-]{20,})`).exec(message?.bodyText ?? '')?.[1];
  if (!token) throw new Error(`no /${path}/ link was sent to ${to}`);
  return token;
}

/**
 * A small program built through the real app and its services: a chapter, an admin, a coach with an
 * organizer whose evidence waits for review, a workshop about to start with that organizer seated
 * (so the check-in page is open), a past workshop, a cohort, an open invite and a certificate.
 */
export async function seedPhonePages(t: TestApp): Promise<PhoneData> {
  const db = t.dataSource.manager;
  const chapter = await createChapter(db, {
    name: 'Code for Greater Boston and the Merrimack Valley',
    timeZone: 'America/New_York',
  });
  const admin = await createUser(db, { role: 'admin', displayName: 'Ada Admin' });
  const coach = await createUser(db, { role: 'coach', displayName: 'Carla Coach', chapterId: chapter.id });
  const organizer = await createUser(db, {
    displayName: 'Oscar Organizer',
    email: 'oscar.organizer.with.a.long.address@chapters.example.org',
    chapterId: chapter.id,
  });
  const holder = await createUser(db, {
    displayName: 'Maximiliana Wolfeschlegelsteinhausen-Bergerdorff',
    chapterId: chapter.id,
  });
  const waiting = await createUser(db, { displayName: 'Wren Waiting', chapterId: chapter.id });

  const adminAgent = await signedInAgent(t.app, admin.email);
  const expectRedirect = async (response: Promise<{ status: number; text: string }>) => {
    const answer = await response;
    if (answer.status !== 303)
      throw new Error(`seeding failed (${answer.status}): ${answer.text.slice(0, 300)}`);
  };
  await expectRedirect(postForm(adminAgent, `/admin/people/${organizer.id}/coach`, { coachId: coach.id }));
  await expectRedirect(
    postForm(adminAgent, '/admin/cohorts', { name: 'Spring 2027', chapterId: chapter.id }),
  );
  const invitee = 'a.very.long.invited.address.for.testing@volunteers.example.org';
  await expectRedirect(
    postForm(adminAgent, '/admin/invites', { email: invitee, role: 'organizer', chapterId: chapter.id }),
  );
  await expectRedirect(postForm(await signedInAgent(t.app, waiting.email), '/me/coach-request', {}));

  const organizerAgent = await signedInAgent(t.app, organizer.email);
  await expectRedirect(
    postForm(organizerAgent, `/me/milestones/${COACH_MILESTONE}`, {
      body: 'I talked with six volunteers. Patterns: belonging, time, asks.',
      links: LONG_LINK,
    }),
  );
  const submission = await db.findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });

  const workshops = new WorkshopsService(
    () => testCatalog(t.config.curriculumDir).current(),
    t.config.baseUrl,
  );
  const startsSoon = new Date(Date.now() + 10 * 60_000);
  const workshop = await t.dataSource.transaction((m) =>
    workshops.create(m, coach, {
      title: 'Incident response practice for chapter leads and co-organizers',
      description: `Bring your code of conduct. Notes: ${LONG_LINK}`,
      milestoneIds: [WORKSHOP_MILESTONE],
      startsAt: startsSoon,
      endsAt: new Date(startsSoon.getTime() + 2 * 3_600_000),
      timeZone: 'America/Los_Angeles',
      location: 'Boston Public Library, Rabb Hall',
      onlineUrl: LONG_LINK,
      capacity: 12,
      chapterId: chapter.id,
    }),
  );
  await t.dataSource.transaction((m) => workshops.register(m, organizer, workshop.id));
  const past = await t.dataSource.transaction((m) =>
    workshops.create(m, coach, {
      title: 'Facilitation basics',
      description: '',
      milestoneIds: [WORKSHOP_MILESTONE],
      startsAt: startsSoon,
      endsAt: new Date(startsSoon.getTime() + 3_600_000),
      timeZone: 'UTC',
      location: 'Online',
      onlineUrl: null,
      capacity: 8,
      chapterId: chapter.id,
    }),
  );
  const monthAgo = Date.now() - 30 * 86_400_000;
  await db.update(Workshop, past.id, {
    startsAt: new Date(monthAgo),
    endsAt: new Date(monthAgo + 3_600_000),
  });

  await certificateKit(t).certify(holder.id);
  const certificate = await db.findOneByOrFail(Certificate, { userId: holder.id });

  await postForm(anonymousAgent(t.app), '/password/forgot', { email: coach.email });

  const circle = await db.findOneByOrFail(Circle, { chapterId: chapter.id });
  await expectRedirect(postForm(organizerAgent, '/circles/conduct', {}));
  const posted = await postForm(organizerAgent, `/circles/${circle.id}/posts`, {
    kind: 'ask',
    title: 'Where do other chapters find a free room with step-free access on weeknights?',
    body: `We tried the library. Notes: ${LONG_LINK}`,
    link: `module:${MODULE}`,
  });
  if (posted.status !== 303) throw new Error(`seeding a circle post failed (${posted.status})`);
  const postId = /\/circles\/posts\/([0-9a-f-]+)/.exec(String(posted.headers.location))?.[1];
  if (!postId) throw new Error('seeding a circle post gave no post address');
  const replied = await postForm(organizerAgent, `/circles/posts/${postId}/replies`, {
    body: `@[${holder.displayName}] do you know a room? ${LONG_LINK}`,
  });
  const replyId = /#reply-([0-9a-f-]+)/.exec(String(replied.headers.location))?.[1];
  if (!replyId) throw new Error('seeding a circle reply gave no reply address');

  const scheduled = await postForm(await signedInAgent(t.app, coach.email), '/gatherings', {
    circleId: circle.id,
    kind: 'hack_night',
    title: 'Hack night: step-free access map for the Merrimack Valley chapters',
    description: `Bring a laptop. Notes: ${LONG_LINK}`,
    startsAt: localIn(startsSoon, 'America/Los_Angeles'),
    endsAt: localIn(new Date(startsSoon.getTime() + 3 * 3_600_000), 'America/Los_Angeles'),
    timeZone: 'America/Los_Angeles',
    location: 'Boston Public Library, Rabb Hall',
    onlineUrl: LONG_LINK,
    capacity: '25',
    isPublic: 'yes',
  });
  if (scheduled.status !== 303) throw new Error(`seeding a gathering failed (${scheduled.status})`);
  const gatheringId = String(scheduled.headers.location).split('/').pop()!;
  await expectRedirect(postForm(organizerAgent, `/gatherings/${gatheringId}/rsvp`, { answer: 'yes' }));
  // A past gathering the organizer came to, so the reports page shows its gatherings table and chart.
  const potluck = await createGathering(db, { id: circle.id, chapterId: chapter.id }, coach.id, {
    title: 'Potluck for the new cohort of the Merrimack Valley chapters',
    startsInHours: -72,
  });
  await markPresent(db, potluck.id, [organizer.id, holder.id], coach.id);

  // The chapter's public page, a public workshop, and a story published through the real routes.
  await expectRedirect(
    postForm(adminAgent, `/admin/chapters/${chapter.id}/page`, {
      slug: 'code-for-greater-boston',
      about: `We build civic tech with neighbours. Notes: ${LONG_LINK}`,
      meetingWhen: 'Every second Tuesday, 6:30 pm',
      meetingWhere: 'Boston Public Library, Rabb Hall',
      contact: 'hello.organizers.of.greater.boston@chapters.example.org',
      links: LONG_LINK,
      listed: 'yes',
      countryCode: 'US',
      stateCode: 'MA',
    }),
  );
  await db.update(Workshop, workshop.id, { public: true });
  const story = await postForm(organizerAgent, `/circles/${circle.id}/posts`, {
    kind: 'story',
    title: 'Our first hack night filled the room with neighbours we had never met',
    body: `Forty people came. Notes: ${LONG_LINK}`,
  });
  if (story.status !== 303) throw new Error(`seeding a story failed (${story.status})`);
  const storyId = /\/circles\/posts\/([0-9a-f-]+)/.exec(String(story.headers.location))![1];
  await expectRedirect(postForm(organizerAgent, `/circles/posts/${storyId}/publish`, {}));
  const { updatedAt } = await db.findOneByOrFail(CirclePost, { id: storyId });
  await expectRedirect(
    postForm(adminAgent, `/admin/stories/${storyId}/approve`, { version: updatedAt.toISOString() }),
  );

  const volunteer = await createUser(db, { displayName: 'Vera Volunteer', chapterId: chapter.id });
  const projectId = await seedProject(adminAgent, organizerAgent, chapter.id, organizer.id, volunteer.id);
  // The holder is on the public talent listing.
  await expectRedirect(
    postForm(await signedInAgent(t.app, holder.email), '/account/listing', {
      skills: 'Facilitation, participatory budgeting, accessibility audits',
      note: `Happy to advise on listening tours. Notes: ${LONG_LINK}`,
    }),
  );

  return {
    chapterSlug: 'code-for-greater-boston',
    admin,
    coach,
    organizer,
    holder,
    chapterId: chapter.id,
    trackId: TRACK_ID,
    moduleId: MODULE,
    milestoneId: COACH_MILESTONE,
    submissionId: submission.id,
    workshopId: workshop.id,
    certificateCode: certificate.code,
    certificateId: certificate.id,
    circleId: circle.id,
    postId,
    replyId,
    gatheringId,
    projectId,
    inviteToken: await tokenSentTo(t, invitee, 'invites'),
    resetToken: await tokenSentTo(t, coach.email, 'password/reset'),
    ...(await seedDoorsPages(db, { chapterId: chapter.id, memberId: organizer.id, adminId: admin.id })),
  };
}

/** Throws unless a seeding request answered with a redirect (its form was accepted). */
async function seeded(response: Promise<{ status: number; text: string }>): Promise<void> {
  const answer = await response;
  if (answer.status !== 303)
    throw new Error(`seeding failed (${answer.status}): ${answer.text.slice(0, 300)}`);
}

/** A project recorded, measured and staffed through the app, as its admin and lead would. */
async function seedProject(
  adminAgent: Agent,
  leadAgent: Agent,
  chapterId: string,
  leadId: string,
  volunteerId: string,
): Promise<string> {
  const created = await postForm(adminAgent, '/projects', {
    chapterId,
    name: 'Accessible polling-place finder for the Merrimack Valley',
    partner: 'Merrimack Valley Elections Office',
    problem: `Voters with disabilities cannot tell which polling places are step-free. Survey: ${LONG_LINK}`,
    status: 'active',
    links: LONG_LINK,
    public: 'yes',
    leadId,
  });
  if (created.status !== 303) throw new Error(`seeding a project failed (${created.status})`);
  const projectId = /\/projects\/([0-9a-f-]+)/.exec(String(created.headers.location))![1];
  for (const peopleHelped of ['120', '340'])
    await seeded(
      postForm(leadAgent, `/projects/${projectId}/impact`, {
        peopleHelped,
        unit: 'voters',
        method: 'Unique visitors who looked up a polling place, from the server log',
      }),
    );
  await seeded(postForm(adminAgent, `/projects/${projectId}/volunteers`, { userId: volunteerId }));
  await seeded(
    postForm(leadAgent, `/projects/${projectId}/roles`, {
      title: 'Accessibility reviewer',
      commitment: 'Two evenings a month until the November election',
      skills: 'WCAG, screen readers',
    }),
  );
  return projectId;
}
