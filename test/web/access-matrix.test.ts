import crypto from 'node:crypto';
import type { Response } from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';
import { listRoutes } from '../helpers/routes';

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
      .replace(':token', 'x'.repeat(43))
      .replace(':trackId', 'civic-tech-organizer')
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
