import crypto from 'node:crypto';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser, createWorkshop } from '../helpers/factories';
import { User } from '../../src/accounts/user.entity';
import { Circle } from '../../src/circles/circle.entities';
import { GatheringRsvp } from '../../src/gatherings/gathering.entities';
import { createGathering } from '../gatherings/helpers';
import { CirclePost } from '../../src/circles/post.entities';
import { StoryPublication } from '../../src/directory/story-publication.entity';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { listRoutes } from '../helpers/routes';
import { Like, Not } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';

import { EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { WorkshopFacilitator, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { certificateKit, TRACK_ID } from '../certificates/kit';

/** Audit rows of changes: refused requests are recorded as security events, which change nothing. */
const NOT_SECURITY = { action: Not(Like('security.%')) };

type Who = 'anonymous' | 'organizer' | 'coach' | 'admin';
const EVERYONE: Who[] = ['anonymous', 'organizer', 'coach', 'admin'];
const SIGNED_IN: Who[] = ['organizer', 'coach', 'admin'];
const ADMINS: Who[] = ['admin'];

/**
 * Who may use each route. A route missing here fails the suite, so every new route must state its
 * access; everyone else must be turned away (sign-in for anonymous visitors, 403 for other roles).
 */
const ACCESS: Record<string, Who[]> = {
  'GET /healthz': EVERYONE,
  'GET /readyz': EVERYONE,
  'GET /': EVERYONE,
  'GET /login': EVERYONE,
  'POST /login': EVERYONE,
  'POST /logout': EVERYONE,
  'GET /setup': EVERYONE,
  'POST /setup': EVERYONE,
  'GET /invites/:token': EVERYONE,
  'POST /invites/:token': EVERYONE,
  'GET /password/forgot': EVERYONE,
  'POST /password/forgot': EVERYONE,
  'GET /password/reset/:token': EVERYONE,
  'POST /password/reset/:token': EVERYONE,
  'GET /tracks/:trackId': EVERYONE,
  'GET /tracks/:trackId/:moduleId': EVERYONE,
  'POST /tracks/:trackId/:moduleId/read': SIGNED_IN,
  'GET /tracks/:trackId/kits/:milestoneId': ['coach', 'admin'],
  'GET /search': EVERYONE,
  'GET /me': SIGNED_IN,
  'POST /me/coach-request': ['organizer'],
  'GET /me/milestones/:milestoneId': SIGNED_IN,
  'POST /me/milestones/:milestoneId': SIGNED_IN,
  'GET /coach': ['coach'],
  'GET /coach/submissions/:id': SIGNED_IN,
  'POST /coach/submissions/:id/review': SIGNED_IN,
  'GET /coach/organizers/:id': SIGNED_IN,
  'POST /coach/organizers/:id/sessions': SIGNED_IN,
  'GET /admin/people/:id/coach': ADMINS,
  'POST /admin/people/:id/coach': ADMINS,
  'GET /admin/coach-requests': ADMINS,
  'POST /admin/submissions/:id/withdraw': ADMINS,
  'GET /workshops': SIGNED_IN,
  'GET /workshops/new': ['coach', 'admin'],
  'POST /workshops': ['coach', 'admin'],
  'GET /workshops/:id': SIGNED_IN,
  'GET /workshops/:id/edit': ['coach', 'admin'],
  'POST /workshops/:id/edit': ['coach', 'admin'],
  'POST /workshops/:id/cancel': ['coach', 'admin'],
  'GET /workshops/:id/attendance': ['coach', 'admin'],
  'POST /workshops/:id/attendance': ['coach', 'admin'],
  'GET /workshops/:id/attendance.csv': ['coach', 'admin'],
  'POST /workshops/:id/walk-ins': ['coach', 'admin'],
  'GET /workshops/:id/check-in': ['coach', 'admin'],
  'POST /workshops/:id/check-in': SIGNED_IN,
  'POST /workshops/:id/facilitators': ['coach', 'admin'],
  'POST /workshops/:id/facilitators/:userId/remove': ['coach', 'admin'],
  'GET /workshops/:id/calendar.ics': SIGNED_IN,
  'POST /account/calendar-feed': SIGNED_IN,
  'POST /account/calendar-feed/revoke': SIGNED_IN,
  // The feed's secret token is its credential (calendar apps cannot sign in); unknown tokens get 404.
  'GET /calendar/:file': EVERYONE,
  'POST /workshops/:id/register': SIGNED_IN,
  'POST /workshops/:id/unregister': SIGNED_IN,
  'GET /account': SIGNED_IN,
  'GET /account/password': SIGNED_IN,
  'POST /account/password': SIGNED_IN,
  'POST /account/sign-out-elsewhere': SIGNED_IN,
  'GET /admin': ADMINS,
  'GET /admin/people': ADMINS,
  'GET /admin/people/:id': ADMINS,
  'POST /admin/people/:id': ADMINS,
  'POST /admin/people/:id/deactivate': ADMINS,
  'POST /admin/people/:id/reactivate': ADMINS,
  'GET /admin/chapters': ADMINS,
  'POST /admin/chapters': ADMINS,
  'GET /admin/chapters/:id': ADMINS,
  'POST /admin/chapters/:id': ADMINS,
  'GET /admin/invites': ADMINS,
  'POST /admin/invites': ADMINS,
  'POST /admin/invites/:id/resend': ADMINS,
  'POST /admin/invites/:id/revoke': ADMINS,
  'GET /admin/outbox': ADMINS,
  'GET /admin/cohorts': ADMINS,
  'POST /admin/cohorts': ADMINS,
  'GET /admin/reports': ADMINS,
  'GET /admin/exports': ADMINS,
  'GET /admin/exports/:file': ADMINS,
  'GET /admin/audit': ADMINS,
  'GET /admin/audit.csv': ADMINS,
  'GET /admin/import': ADMINS,
  'POST /admin/import': ADMINS,
  // Partners check certificates without an account.
  'GET /issuer': EVERYONE,
  'GET /.well-known/did.json': EVERYONE,
  'GET /badges/:file': EVERYONE,
  'GET /c/:code/badge.:type': EVERYONE,
  'GET /admin/issuer': ADMINS,
  'GET /status/:listId': EVERYONE,
  'GET /c/:code': EVERYONE,
  'GET /c/:code/credential.json': EVERYONE,
  'GET /c/:code/certificate.pdf': EVERYONE,
  'GET /c/:code/qr.png': EVERYONE,
  'GET /verify': EVERYONE,
  'POST /verify': EVERYONE,
  'GET /me/certificates': SIGNED_IN,
  'POST /me/certificates/:id/visibility': SIGNED_IN,
  'GET /admin/people/:id/certificates': ADMINS,
  'POST /admin/people/:id/certificates/recheck': ADMINS,
  'POST /admin/people/:id/certificates/issue': ADMINS,
  'POST /admin/certificates/:id/reissue': ADMINS,
  'POST /admin/certificates/:id/revoke': ADMINS,
  'GET /notifications': SIGNED_IN,
  'POST /notifications/read-all': SIGNED_IN,
  'POST /notifications/:id/read': SIGNED_IN,
  'GET /account/notifications': SIGNED_IN,
  'POST /account/notifications': SIGNED_IN,
  // Digest emails' one-click unsubscribe: the signed token is the credential; unknown tokens get 404.
  'GET /notifications/unsubscribe/:token': EVERYONE,
  'POST /notifications/unsubscribe/:token': EVERYONE,
  'POST /me/feedback/read': SIGNED_IN,
  'POST /account/name': SIGNED_IN,
  'POST /account/email': SIGNED_IN,
  // The confirmation link's token is its credential (it may be opened on another device).
  'GET /account/email/:token': EVERYONE,
  'POST /account/email/:token': EVERYONE,
  'POST /admin/people/:id/identity': ADMINS,
  'POST /me/certificates/:id/reissue': SIGNED_IN,
  'GET /admin/certificates': ADMINS,
  'GET /admin/certificates/:id/revoke': ADMINS,
  'GET /workshops/:id/cancel': ['coach', 'admin'],
  'POST /workshops/:id/reinstate': ['coach', 'admin'],
  'GET /admin/submissions/:id/withdraw': ADMINS,
  'GET /admin/people/:id/deactivate': ADMINS,
  'POST /me/submissions/:id/attachments': SIGNED_IN,
  'POST /me/attachments/:id/delete': SIGNED_IN,
  'GET /attachments/:id': SIGNED_IN,
  // Circles: a circle's pages answer 404 to anyone not a member or host (tested in test/circles).
  'GET /circles': SIGNED_IN,
  'POST /circles': ADMINS,
  'GET /circles/moderation': SIGNED_IN,
  'GET /circles/conduct': SIGNED_IN,
  'POST /circles/conduct': SIGNED_IN,
  'GET /circles/:id': SIGNED_IN,
  'POST /circles/:id/join': SIGNED_IN,
  'POST /circles/:id/leave': SIGNED_IN,
  'GET /circles/:id/new': SIGNED_IN,
  'POST /circles/:id/posts': SIGNED_IN,
  'GET /circles/posts/:id': SIGNED_IN,
  'POST /circles/posts/:id/replies': SIGNED_IN,
  'POST /circles/posts/:id/me-too': SIGNED_IN,
  'POST /circles/posts/:id/answer': SIGNED_IN,
  'GET /circles/posts/:id/edit': SIGNED_IN,
  'POST /circles/posts/:id/edit': SIGNED_IN,
  'POST /circles/posts/:id/lock': SIGNED_IN,
  'POST /circles/posts/:id/report': SIGNED_IN,
  'POST /circles/posts/:id/hide': SIGNED_IN,
  'POST /circles/replies/:id/helped': SIGNED_IN,
  'POST /circles/replies/:id/report': SIGNED_IN,
  'POST /circles/replies/:id/hide': SIGNED_IN,
  'GET /circles/search': SIGNED_IN,
  'GET /circles/people/:id': SIGNED_IN,
  'GET /circles/replies/:id/edit': SIGNED_IN,
  'POST /circles/replies/:id/edit': SIGNED_IN,
  'GET /circles/ask-feedback': SIGNED_IN,
  'POST /circles/ask-feedback/draft': SIGNED_IN,
  'POST /circles/ask-feedback': SIGNED_IN,
  // Open doors: public forms (rate-limited per address), links whose token is the credential
  // (unknown tokens get 410), and admin pages scoped to the admin's chapter (tested in test/doors).
  'GET /join': EVERYONE,
  'POST /join': EVERYONE,
  'GET /join/confirm/:token': EVERYONE,
  'POST /join/confirm/:token': EVERYONE,
  'GET /partners/request': EVERYONE,
  'POST /partners/request': EVERYONE,
  'GET /partners/confirm/:token': EVERYONE,
  'POST /partners/confirm/:token': EVERYONE,
  'GET /partners/status/:token': EVERYONE,
  'GET /introductions/:token': EVERYONE,
  'POST /introductions/:token': EVERYONE,
  'GET /me/introductions': SIGNED_IN,
  'POST /me/introductions/:id': SIGNED_IN,
  'GET /admin/requests': ADMINS,
  'GET /admin/requests/:id': ADMINS,
  'POST /admin/requests/:id/invite': ADMINS,
  'POST /admin/requests/:id/reply': ADMINS,
  'POST /admin/requests/:id/close': ADMINS,
  'GET /admin/partner-requests': ADMINS,
  'GET /admin/partner-requests/:id': ADMINS,
  'POST /admin/partner-requests/:id/move': ADMINS,
  'POST /admin/partner-requests/:id/status-link': ADMINS,
  'POST /admin/partner-requests/:id/status-link/revoke': ADMINS,
  'POST /admin/partner-requests/:id/introductions': ADMINS,
  // Gatherings: members and hosts of the circle only (others get 404; tested in test/gatherings). A
  // public gathering shows its public fields to anyone, signed in or not (also tested there).
  'GET /gatherings': SIGNED_IN,
  'GET /gatherings/new': ['coach', 'admin'],
  'POST /gatherings': ['coach', 'admin'],
  'GET /gatherings/:id': SIGNED_IN,
  'GET /gatherings/:id/edit': ['coach', 'admin'],
  'POST /gatherings/:id/edit': ['coach', 'admin'],
  'POST /gatherings/:id/cancel': ['coach', 'admin'],
  'POST /gatherings/:id/rsvp': SIGNED_IN,
  'GET /gatherings/:id/calendar.ics': SIGNED_IN,
  'GET /gatherings/:id/check-in': ['coach', 'admin'],
  'POST /gatherings/:id/check-in': SIGNED_IN,
  'GET /gatherings/:id/attendance': ['coach', 'admin'],
  'POST /gatherings/:id/attendance': ['coach', 'admin'],
  'POST /gatherings/:id/walk-ins': ['coach', 'admin'],
  // The chapter directory, chapter pages and story feeds are public (rate-limited per address).
  'GET /chapters': EVERYONE,
  'GET /chapters/:slug': EVERYONE,
  'GET /chapters/:slug/stories': EVERYONE,
  'GET /chapters/:slug/stories.atom': EVERYONE,
  // A chapter's page is edited by academy admins and that chapter's admins (others get 404: test/directory).
  'GET /chapters/:slug/edit': ADMINS,
  'GET /admin/chapters/:id/page': ADMINS,
  'POST /admin/chapters/:id/page': ADMINS,
  // Authors ask and unpublish; chapter admins decide (per record: test/directory/stories.test.ts).
  'POST /circles/posts/:id/publish': SIGNED_IN,
  'POST /circles/posts/:id/unpublish': SIGNED_IN,
  'GET /admin/stories': ADMINS,
  'POST /admin/stories/:id/approve': ADMINS,
  'POST /admin/stories/:id/decline': ADMINS,
  // Projects: a project's pages answer 404 to strangers and 403 to members who do not manage it
  // (tested in test/projects); creating one is for admins of its chapter.
  'GET /projects': SIGNED_IN,
  'GET /projects/new': ADMINS,
  'POST /projects': ADMINS,
  'GET /projects/:id': SIGNED_IN,
  'POST /projects/:id': SIGNED_IN,
  'POST /projects/:id/impact': SIGNED_IN,
  'POST /projects/:id/volunteers': SIGNED_IN,
  'POST /projects/:id/volunteers/:userId/remove': SIGNED_IN,
  'POST /projects/:id/roles': SIGNED_IN,
  'POST /projects/roles/:id/open': SIGNED_IN,
  // The opportunities board and the talent listing are public (with the public rate limit).
  'GET /opportunities': EVERYONE,
  'POST /opportunities/:id/interest': SIGNED_IN,
  'GET /people/listed': EVERYONE,
  'GET /people/listed/:id/contact': EVERYONE,
  'POST /people/listed/:id/contact': EVERYONE,
  'GET /account/listing': SIGNED_IN,
  'POST /account/listing': SIGNED_IN,
  'POST /account/listing/remove': SIGNED_IN,
  'GET /admin/reports/all-sides': ADMINS,
  'GET /admin/reports/all-sides.csv': ADMINS,
};

/**
 * Signed-in routes whose answer depends on the record (whose coach you are): the route only requires
 * sign-in, and the per-record rules are tested in test/coaching. Here a random id must never be a 5xx.
 */
const DECIDED_PER_RECORD = new Set([
  'GET /coach/submissions/:id',
  'POST /coach/submissions/:id/review',
  'GET /coach/organizers/:id',
  'POST /coach/organizers/:id/sessions',
  'GET /workshops/:id/edit',
  'POST /workshops/:id/edit',
  'POST /workshops/:id/cancel',
  'GET /workshops/:id/attendance',
  'POST /workshops/:id/attendance',
  'POST /workshops/:id/walk-ins',
  'GET /workshops/:id/attendance.csv',
  'GET /workshops/:id/check-in',
  'POST /workshops/:id/facilitators',
  'POST /workshops/:id/facilitators/:userId/remove',
  'POST /me/certificates/:id/visibility',
  'POST /notifications/:id/read',
  'POST /me/certificates/:id/reissue',
  'GET /workshops/:id/cancel',
  'POST /workshops/:id/reinstate',
  'POST /me/attachments/:id/delete',
  'GET /attachments/:id',
  'GET /circles/:id',
  'POST /circles/:id/join',
  'POST /circles/:id/leave',
  'GET /circles/:id/new',
  'POST /circles/:id/posts',
  'GET /circles/posts/:id',
  'POST /circles/posts/:id/replies',
  'POST /circles/posts/:id/me-too',
  'POST /circles/posts/:id/answer',
  'GET /circles/posts/:id/edit',
  'POST /circles/posts/:id/edit',
  'POST /circles/posts/:id/lock',
  'POST /circles/posts/:id/report',
  'POST /circles/posts/:id/hide',
  'POST /circles/replies/:id/helped',
  'POST /circles/replies/:id/report',
  'POST /circles/replies/:id/hide',
  'GET /circles/people/:id',
  'GET /circles/replies/:id/edit',
  'POST /circles/replies/:id/edit',
  'POST /me/introductions/:id',
  'GET /gatherings/:id',
  'GET /gatherings/:id/edit',
  'POST /gatherings/:id/edit',
  'POST /gatherings/:id/cancel',
  'POST /gatherings/:id/rsvp',
  'GET /gatherings/:id/calendar.ics',
  'GET /gatherings/:id/check-in',
  'GET /gatherings/:id/attendance',
  'POST /gatherings/:id/attendance',
  'POST /gatherings/:id/walk-ins',
  'POST /circles/posts/:id/publish',
  'POST /circles/posts/:id/unpublish',
  'GET /projects/:id',
  'POST /projects/:id',
  'POST /projects/:id/impact',
  'POST /projects/:id/volunteers',
  'POST /projects/:id/volunteers/:userId/remove',
  'POST /projects/:id/roles',
  'POST /projects/roles/:id/open',
  'POST /opportunities/:id/interest',
]);

function isDenied(who: Who, response: Response): boolean {
  if (who === 'anonymous') {
    return (
      response.status === 401 ||
      (response.status === 303 && String(response.headers.location).startsWith('/login?next='))
    );
  }
  return response.status === 403;
}

describe('access matrix', () => {
  let t: TestApp;
  const agents = {} as Record<Who, Agent>;

  beforeAll(async () => {
    t = await startTestApp();
    agents.anonymous = anonymousAgent(t.app);
    for (const role of ['organizer', 'coach', 'admin'] as const) {
      const user = await createUser(t.dataSource.manager, { role });
      agents[role] = await signedInAgent(t.app, user.email);
    }
  });
  afterAll(() => t.close());

  it('has an entry for every route the app serves (new routes must declare who may use them)', () => {
    expect(listRoutes(t.app)).toEqual(Object.keys(ACCESS).sort());
  });

  const cases = Object.entries(ACCESS).flatMap(([route, allowed]) =>
    EVERYONE.map((who) => ({ route, who, allowed: allowed.includes(who) })),
  );

  it.each(cases)('$route as $who: allowed=$allowed', async ({ route, who, allowed }) => {
    const [method, pattern] = route.split(' ');
    const path = pattern
      .replace(':id', crypto.randomUUID())
      .replace(':userId', crypto.randomUUID())
      .replace(':token', 'x'.repeat(43))
      .replace(':slug', 'no-such-chapter')
      .replace(':trackId', 'civic-tech-host')
      .replace(':moduleId', 'people-first')
      .replace(':milestoneId', 'people-first-listening-tour');
    // Sign-out would end the shared session; use a throwaway session for it.
    const agent = route === 'POST /logout' && who !== 'anonymous' ? anonymousAgent(t.app) : agents[who];
    const response = method === 'GET' ? await agent.get(path) : await postForm(agent, path, {});
    if (DECIDED_PER_RECORD.has(route) && who !== 'anonymous')
      expect([400, 403, 404]).toContain(response.status);
    else expect(isDenied(who, response)).toBe(!allowed);
    expect(response.status).toBeLessThan(500);
  });
});

/**
 * The "subject = actor" column: requests whose subject is the person making them (their own
 * evidence, record, attendance, certificate or account). Every one is refused, for every role
 * that could otherwise make it, and changes nothing (no audit row is written).
 */
const SUBJECT_IS_ACTOR: Record<string, ('admin' | 'coach')[]> = {
  'POST /coach/submissions/:id/review': ['admin', 'coach'],
  'POST /admin/submissions/:id/withdraw': ['admin'],
  'POST /coach/organizers/:id/sessions': ['admin', 'coach'],
  'POST /workshops/:id/attendance': ['admin', 'coach'],
  'POST /workshops/:id/walk-ins': ['admin', 'coach'],
  'POST /workshops/:id/check-in': ['admin', 'coach'],
  'POST /admin/people/:id/coach': ['admin'],
  'POST /admin/people/:id/deactivate': ['admin'],
  'POST /admin/people/:id/certificates/recheck': ['admin'],
  'POST /admin/people/:id/certificates/issue': ['admin'],
  'POST /admin/certificates/:id/reissue': ['admin'],
  'POST /admin/certificates/:id/revoke': ['admin'],
  'POST /gatherings/:id/attendance': ['admin', 'coach'],
  'POST /gatherings/:id/walk-ins': ['admin', 'coach'],
  'POST /gatherings/:id/check-in': ['admin', 'coach'],
  'POST /admin/stories/:id/approve': ['admin'],
};

describe('access matrix: subject = actor', () => {
  let t: TestApp;
  type Own = { path: string; fields: Record<string, string> };
  const requests = {} as Record<'admin' | 'coach', Record<string, Own>>;
  const agents = {} as Record<'admin' | 'coach', Agent>;

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.dataSource.manager;
    const kit = certificateKit(t);
    for (const role of ['admin', 'coach'] as const) {
      const me = await createUser(db, { role });
      agents[role] = await signedInAgent(t.app, me.email);
      const submission = (milestoneId: string, status: EvidenceSubmission['status']) =>
        db.save(
          db.create(EvidenceSubmission, {
            organizerId: me.id,
            milestoneId,
            attempt: 1,
            body: 'Mine',
            links: [],
            status,
          }),
        );
      const pending = await submission('people-first-listening-tour', 'pending');
      const approved = await submission('people-first-personal-ask', 'approved');
      const startsAt = new Date(Date.now() - 5 * 60_000);
      const workshop = await createWorkshop(db, {
        title: 'Mine',
        startsAt,
        location: 'Here',
        createdById: me.id,
        checkInSecret: `own-${role}`,
      });
      await db.insert(WorkshopFacilitator, { workshopId: workshop.id, userId: me.id });
      await db.insert(WorkshopRegistration, { workshopId: workshop.id, userId: me.id, status: 'registered' });
      const certificate = role === 'admin' ? await kit.certify(me.id) : undefined;
      // A gathering under way in a circle I host (the academy circle for an admin of the whole
      // academy; my chapter's circle for a coach), where I said yes.
      const chapter = await createChapter(db);
      if (role === 'coach') await db.update(User, { id: me.id }, { chapterId: chapter.id });
      const circle = await db.findOneByOrFail(
        Circle,
        role === 'admin' ? { kind: 'academy' } : { chapterId: chapter.id },
      );
      const gathering = await createGathering(db, { id: circle.id, chapterId: circle.chapterId }, me.id, {
        startsInHours: -0.1,
        checkInSecret: `own-gathering-${role}`,
      });
      await db.insert(GatheringRsvp, { gatheringId: gathering.id, userId: me.id, answer: 'yes' });
      const coach = await createUser(db, { role: 'coach' });
      const storyChapter = await createChapter(db);
      const storyCircle = await db.findOneByOrFail(Circle, { chapterId: storyChapter.id });
      const story = await db.save(
        db.create(CirclePost, {
          circleId: storyCircle.id,
          authorId: me.id,
          kind: 'story',
          title: 'Mine',
          body: 'Mine',
        }),
      );
      await db.insert(StoryPublication, {
        postId: story.id,
        chapterId: storyChapter.id,
        requestState: 'pending',
        requestedAt: new Date(),
        requestedBy: me.id,
      });
      requests[role] = {
        'POST /admin/stories/:id/approve': {
          path: `/admin/stories/${story.id}/approve`,
          fields: { version: story.updatedAt.toISOString() },
        },
        'POST /coach/submissions/:id/review': {
          path: `/coach/submissions/${pending.id}/review`,
          fields: { decision: 'approved', feedback: '', revision: '1' },
        },
        'POST /admin/submissions/:id/withdraw': {
          path: `/admin/submissions/${approved.id}/withdraw`,
          fields: { reason: 'Mine' },
        },
        'POST /coach/organizers/:id/sessions': {
          path: `/coach/organizers/${me.id}/sessions`,
          fields: {
            heldOn: new Date().toISOString().slice(0, 10),
            durationMinutes: '30',
            privateNotes: '',
            nextStep: '',
          },
        },
        'POST /workshops/:id/attendance': {
          path: `/workshops/${workshop.id}/attendance`,
          fields: { [`status:${me.id}`]: 'present' },
        },
        'POST /workshops/:id/walk-ins': {
          path: `/workshops/${workshop.id}/walk-ins`,
          fields: { email: me.email },
        },
        'POST /workshops/:id/check-in': {
          path: `/workshops/${workshop.id}/check-in`,
          fields: { code: currentCheckInCode(`own-${role}`, workshop.id).code },
        },
        'POST /admin/people/:id/coach': {
          path: `/admin/people/${me.id}/coach`,
          fields: { coachId: coach.id, reason: '' },
        },
        'POST /admin/people/:id/deactivate': { path: `/admin/people/${me.id}/deactivate`, fields: {} },
        'POST /admin/people/:id/certificates/recheck': {
          path: `/admin/people/${me.id}/certificates/recheck`,
          fields: {},
        },
        'POST /admin/people/:id/certificates/issue': {
          path: `/admin/people/${me.id}/certificates/issue`,
          fields: { trackId: TRACK_ID },
        },
        'POST /admin/certificates/:id/reissue': {
          path: `/admin/certificates/${certificate?.id}/reissue`,
          fields: {},
        },
        'POST /admin/certificates/:id/revoke': {
          path: `/admin/certificates/${certificate?.id}/revoke`,
          fields: { reason: 'Mine' },
        },
        'POST /gatherings/:id/attendance': {
          path: `/gatherings/${gathering.id}/attendance`,
          fields: { [`status:${me.id}`]: 'present' },
        },
        'POST /gatherings/:id/walk-ins': {
          path: `/gatherings/${gathering.id}/walk-ins`,
          fields: { email: me.email },
        },
        'POST /gatherings/:id/check-in': {
          path: `/gatherings/${gathering.id}/check-in`,
          fields: { code: currentCheckInCode(`own-gathering-${role}`, gathering.id).code },
        },
      };
    }
  });
  afterAll(() => t.close());

  it('names only routes the app serves', () => {
    for (const route of Object.keys(SUBJECT_IS_ACTOR)) expect(Object.keys(ACCESS)).toContain(route);
  });

  const cases = Object.entries(SUBJECT_IS_ACTOR).flatMap(([route, roles]) =>
    roles.map((who) => ({ route, who })),
  );
  it.each(cases)('$route on oneself as $who is refused and changes nothing', async ({ route, who }) => {
    const { path, fields } = requests[who][route];
    const audits = await t.dataSource.manager.countBy(AuditEvent, NOT_SECURITY);
    const response = await postForm(agents[who], path, fields);
    expect([400, 403, 404, 409]).toContain(response.status);
    expect(await t.dataSource.manager.countBy(AuditEvent, NOT_SECURITY)).toBe(audits);
  });
});
