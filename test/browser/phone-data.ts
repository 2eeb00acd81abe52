import type { User } from '../../src/accounts/user.entity';
import { Circle } from '../../src/circles/circle.entities';
import { Certificate } from '../../src/certificates/certificate.entities';
import { EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { Workshop } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { certificateKit, TRACK_ID } from '../certificates/kit';
import { testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';

/** The rows the phone suite's pages show, with the ids and tokens their paths need. */
export interface PhoneData {
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
  });
  if (posted.status !== 303) throw new Error(`seeding a circle post failed (${posted.status})`);
  const postId = /\/circles\/posts\/([0-9a-f-]+)/.exec(String(posted.headers.location))?.[1];
  if (!postId) throw new Error('seeding a circle post gave no post address');

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
    projectId,
    inviteToken: await tokenSentTo(t, invitee, 'invites'),
    resetToken: await tokenSentTo(t, coach.email, 'password/reset'),
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
