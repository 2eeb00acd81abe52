import type { User } from '../../src/accounts/user.entity';
import { certificateKit } from '../certificates/kit';
import { createUser } from '../helpers/factories';
import { createWorkshop, expectStatus, startWorld, type Session, type World } from './support/app-world';
import { XSS_CORPUS } from './support/hostile';
import { unsafeMarkup, weakCsp } from './support/html-safety';
import type { WebResponse } from './support/web-client';

/** Pages visited per crawl at most (admins see every record; others their own part). */
const CRAWL_LIMIT = { admin: 300, coach: 60, anonymous: 40, member: 6 };
/** Pages the same for everyone (the curriculum, a person's own milestone pages): crawled once, anonymously. */
const SHARED_PAGES = /^\/(tracks|search|me\/milestones|c)\//;
/** Links never followed: downloads, sign-out, static files. */
const NOT_PAGES = /^\/(static|calendar)\/|\.(pdf|png|ics|csv|json)(\?|$)|^\/logout/;
/** Every user-written field a payload goes into (the marker names it on the page). */
const FIELDS = [
  'displayName',
  'chapterName',
  'chapterRegion',
  'workshopTitle',
  'workshopDescription',
  'workshopLocation',
  'coachRequest',
  'evidenceBody',
  'evidenceLink',
  'reviewFeedback',
  'sessionNotes',
  'sessionNextStep',
  'revokeReason',
] as const;
type Field = (typeof FIELDS)[number];

const marker = (index: number, field: Field) => `Q${index}${field}Q`;
/** What goes into a field: its marker (to find it on pages) and the payload, within `max` characters. */
const text = (index: number, field: Field, max = 100) =>
  `${marker(index, field)} ${XSS_CORPUS[index]}`.slice(0, max);

interface Visit {
  who: string;
  path: string;
  response: WebResponse;
}

describe('user-written text with script-injection payloads renders inert on every page', () => {
  let world: World;
  const members: { user: User; session: Session; submission: string }[] = [];
  const visits: Visit[] = [];
  const reflected: Visit[] = [];

  beforeAll(async () => {
    world = await startWorld();
    const { admin, coach } = world.sessions;
    const { dataSource } = world.running.t;
    const kit = certificateKit(world.running.t);
    const today = new Date().toISOString().slice(0, 10);

    for (const [index, payload] of XSS_CORPUS.entries()) {
      const form = (path: string, session: Session, fields: Record<string, string>, what: string) =>
        session.client
          .post(path, fields, session.token)
          .then((r) => expectStatus(r, 303, `${what} (payload ${index})`));

      await form(
        '/admin/chapters',
        admin,
        { name: text(index, 'chapterName', 120), region: text(index, 'chapterRegion', 120), timeZone: '' },
        'adding a chapter',
      );
      const [{ id: chapterId }] = await dataSource.query<{ id: string }[]>(
        'SELECT id FROM chapters WHERE name = $1',
        [text(index, 'chapterName', 120)],
      );
      const user = await createUser(dataSource.manager, {
        displayName: text(index, 'displayName'),
        chapterId,
      });
      const session = await world.signIn(user);

      await createWorkshop(coach, {
        title: text(index, 'workshopTitle', 200),
        description: `${marker(index, 'workshopDescription')}\n\n${payload}\n\n<b>${payload}</b>`,
        location: text(index, 'workshopLocation', 300),
        chapterId,
      });
      await form(
        '/me/coach-request',
        session,
        { message: `${marker(index, 'coachRequest')} ${payload}` },
        'asking for a coach',
      );
      await form(
        `/me/milestones/${world.ids.coachMilestone}`,
        session,
        {
          body: `${marker(index, 'evidenceBody')}\n\n${payload}\n\n> ${payload}`,
          links: `https://example.org/${marker(index, 'evidenceLink')}?x="><img src=x onerror=alert(1)>\nhttps://example.org/#<script>alert(1)</script>`,
        },
        'submitting evidence',
      );
      const [{ id: submission }] = await dataSource.query<{ id: string }[]>(
        'SELECT id FROM evidence_submissions WHERE organizer_id = $1',
        [user.id],
      );
      await form(
        `/coach/submissions/${submission}/review`,
        admin,
        {
          decision: 'changes_requested',
          feedback: `${marker(index, 'reviewFeedback')} ${payload}`,
          revision: '1',
        },
        'requesting changes',
      );
      members.push({ user, session, submission });
      await form(
        `/coach/organizers/${user.id}/sessions`,
        admin,
        {
          heldOn: today,
          durationMinutes: '30',
          privateNotes: `${marker(index, 'sessionNotes')} ${payload}`,
          nextStep: `${marker(index, 'sessionNextStep')} ${payload}`,
        },
        'logging a session',
      );
      const certificate = await kit.certify(user.id);
      await form(
        `/admin/certificates/${certificate.id}/revoke`,
        admin,
        { reason: `${marker(index, 'revokeReason')} ${payload}` },
        'revoking a certificate',
      );

      // Input the app echoes back right away: a form with mistakes, a search, a sign-in link.
      const echoed = await admin.client.post(
        '/admin/chapters',
        { name: payload, region: payload, timeZone: payload },
        admin.token,
      );
      reflected.push({ who: 'admin', path: 'POST /admin/chapters (invalid)', response: echoed });
      for (const path of [
        `/search?q=${encodeURIComponent(payload)}`,
        `/login?next=${encodeURIComponent(payload)}`,
      ])
        reflected.push({ who: 'anonymous', path, response: await world.sessions.anonymous.client.get(path) });
      reflected.push({
        who: 'anonymous',
        path: 'POST /verify (their certificate, and a forged one)',
        response: await world.sessions.anonymous.client.post('/verify', {
          credential: JSON.stringify({
            ...certificate.credential,
            name: payload,
            issuer: { id: payload, name: payload, url: 'javascript:alert(1)' },
            credentialSubject: {
              name: payload,
              achievement: { name: payload, criteria: { narrative: payload } },
            },
          }),
        }),
      });
      reflected.push({
        who: 'anonymous',
        path: `/c/${certificate.code}`,
        response: await world.sessions.anonymous.client.get(`/c/${certificate.code}`),
      });
    }

    // Crawl: every page each role can reach by following links, starting from its navigation.
    const crawl = async (who: string, session: Session, start: string[], limit: number, skip?: RegExp) => {
      const queue = [...start];
      const seen = new Set(queue);
      while (queue.length && visits.filter((v) => v.who === who).length < limit) {
        const path = queue.shift()!;
        const response = await session.client.get(path);
        visits.push({ who, path, response });
        if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
        for (const [, raw] of response.text.matchAll(/href="(\/[^"#]*)/g)) {
          const link = raw.replace(/&amp;/g, '&').replace(/&#34;/g, '"');
          if (seen.has(link) || NOT_PAGES.test(link) || skip?.test(link)) continue;
          seen.add(link);
          queue.push(link);
        }
      }
    };
    const records = members.flatMap(({ user, submission }) => [
      `/coach/organizers/${user.id}`,
      `/coach/submissions/${submission}`,
    ]);
    await crawl(
      'admin',
      admin,
      ['/', '/admin', '/admin/people', '/admin/coach-requests', ...records],
      CRAWL_LIMIT.admin,
      SHARED_PAGES,
    );
    await crawl(
      'coach',
      coach,
      ['/', '/coach', '/workshops'],
      CRAWL_LIMIT.coach,
      /^\/(tracks|search|me|c)\/|\/(edit|check-in)$/,
    );
    await crawl('anonymous', world.sessions.anonymous, ['/', '/verify'], CRAWL_LIMIT.anonymous);
    for (const [index, { session }] of members.entries())
      await crawl(
        `member ${index}`,
        session,
        ['/me', `/me/milestones/${world.ids.coachMilestone}`, '/me/certificates', '/workshops', '/account'],
        CRAWL_LIMIT.member,
        /./,
      );
  });
  afterAll(() => world?.close());

  it('uses a detector that tells escaped text from live markup', () => {
    for (const live of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg/onload=alert(1)//',
      '<a href="java&#x09;script&colon;alert(1)">x</a>',
      '<a href=" JAVASCRIPT:alert(1)">x</a>',
      '<iframe srcdoc="x">',
      '<details open ontoggle=alert(1)>',
      '<form action="javascript:alert(1)">',
      '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    ])
      expect([live, unsafeMarkup(`<p>${live}</p>`).length > 0]).toEqual([live, true]);
    for (const inert of [
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
      '<input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">',
      '<input value="&#34; autofocus onfocus=&#34;alert(1)">',
      '<a href="https://example.org/?q=javascript:alert(1)" rel="nofollow">x</a>',
      '<textarea>&lt;/textarea&gt;&lt;script&gt;</textarea>',
    ])
      expect([inert, unsafeMarkup(inert)]).toEqual([inert, []]);
    expect(
      weakCsp("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'"),
    ).toEqual(["script-src allows 'unsafe-inline'"]);
  });

  it('has no script, handler, script URL or unknown tag in any HTML page, and a strict CSP on each', () => {
    const problems = [...visits, ...reflected].flatMap(({ who, path, response }) => {
      if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return [];
      return [
        ...unsafeMarkup(response.text),
        ...weakCsp(response.headers.get('content-security-policy')),
      ].map((problem) => `${path} as ${who}: ${problem}`);
    });
    expect(problems).toEqual([]);
    expect(visits.length).toBeGreaterThan(100);
  });

  it('actually showed every field with every payload somewhere (so the check above saw them)', () => {
    const pages = [...visits, ...reflected].map((v) => v.response.text).join('\n');
    const missing = XSS_CORPUS.flatMap((_, index) =>
      FIELDS.filter((field) => !pages.includes(marker(index, field))).map((field) => marker(index, field)),
    );
    expect(missing).toEqual([]);
  });

  it('never failed while rendering them', () => {
    const failed = [...visits, ...reflected]
      .filter((v) => v.response.status >= 500)
      .map((v) => `${v.response.status} ${v.path} as ${v.who}`);
    expect(failed).toEqual([]);
  });
});
