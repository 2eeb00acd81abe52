import request from 'supertest';
import { CoachRequest } from '../../src/coaching/coaching.entities';
import { acceptConduct, chapterWithCohort, createPost } from '../circles/helpers';
import { createGathering } from '../gatherings/helpers';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, createWorkshop } from '../helpers/factories';
import { capturingLogger } from '../helpers/log-capture';
import { signedInAgent, type Agent } from '../helpers/http';
import { createProject, createRole } from '../projects/helpers';

const UUID = '00000000-0000-4000-8000-000000000000';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Hostile values for any query parameter, as they arrive in a URL (already percent-encoded). */
const RAW = [
  '%00',
  'a%00b',
  '%C3%28',
  '%FF%FE%FD',
  '99999999999999999999999999',
  '-1',
  '1e400',
  '9999-99-99',
  '0000-00-00T00:00:00.000Z~' + UUID,
  '9999-99-99T99:99:99.999Z~' + UUID,
  '%2B275760-09-13T00:00:00.000Z~' + UUID,
  'x'.repeat(15_000),
];

/** Position tokens shaped like the app's own (base64url JSON), carrying what PostgreSQL cannot take. */
const FORGED = [
  b64(['\u0000', UUID]),
  b64(['a\u0000b', UUID]),
  b64(['x', '-'.repeat(36)]),
  b64(['x', UUID.toUpperCase()]),
  b64(['-271821-04-20T00:00:00.000Z', UUID]),
  b64(['+275760-09-13T00:00:00.000Z', UUID]),
  b64(['0000-01-01T00:00:00.000Z', UUID]),
  b64(['9999-99-99', UUID]),
  b64([true, 1e300, 2 ** 53, 'x', UUID]),
  b64([false, 2 ** 31, -(2 ** 31) - 1, '\u0000', UUID]),
  b64(['2026-01-01T00:00:00.000000Z', '-'.repeat(36)]),
  b64(['2026-13-45T99:99:99.000000Z', UUID]),
  b64(['0000-01-01T00:00:00.000000Z', UUID]),
  b64(['\ud800', UUID]),
  b64([{ a: 1 }, [UUID]]),
  b64(['x'.repeat(300), UUID]),
];

/** `name=value` pairs of every hostile shape for one parameter. */
function hostile(name: string): string[] {
  return [
    ...RAW.map((v) => `${name}=${v}`),
    ...FORGED.map((v) => `${name}=${v}`),
    `${name}=a&${name}=b`,
    `${name}[x][y]=1`,
    `${name}[]=1`,
    `${name}=${b64(['x', UUID])}&${name}=${b64(['y', UUID])}`,
  ];
}

interface Setting {
  chapterName: string;
  personId: string;
  circleId: string;
}

interface Page {
  who: 'admin' | 'member' | 'anonymous';
  path: (s: Setting) => string;
  /** Text only the first page shows. */
  first: (s: Setting) => string;
  /** Must give the first page, whatever they hold. */
  cursors: string[];
  /** May narrow the page to nothing, or be refused with a 4xx. */
  filters?: string[];
}

const fixed = (text: string) => () => text;

const PAGES: Record<string, Page> = {
  '/admin/reports/all-sides': {
    who: 'admin',
    path: fixed('/admin/reports/all-sides'),
    first: (s) => s.chapterName,
    cursors: ['after'],
    filters: ['from', 'to', 'chapterId', 'period'],
  },
  '/admin/people': {
    who: 'admin',
    path: fixed('/admin/people'),
    first: fixed('Aaron Admin'),
    cursors: ['after'],
    filters: ['q', 'role', 'status', 'chapterId'],
  },
  '/admin/people/:id/coach': {
    who: 'admin',
    path: (s) => `/admin/people/${s.personId}/coach`,
    first: fixed('Cory Coach'),
    cursors: ['after', 'before'],
  },
  '/admin/coach-requests': {
    who: 'admin',
    path: fixed('/admin/coach-requests'),
    first: fixed('Mia Member'),
    cursors: ['after', 'before'],
  },
  '/admin/certificates': {
    who: 'admin',
    path: fixed('/admin/certificates'),
    first: fixed('Certificates'),
    cursors: ['after'],
    filters: ['chapterId', 'status', 'trackId'],
  },
  '/workshops': {
    who: 'member',
    path: fixed('/workshops'),
    first: fixed('Soonest workshop'),
    cursors: ['after'],
    filters: ['milestoneId', 'chapterId'],
  },
  '/gatherings': {
    who: 'member',
    path: fixed('/gatherings'),
    first: fixed('Soonest potluck'),
    cursors: ['after'],
    filters: ['circleId'],
  },
  '/circles/:id': {
    who: 'member',
    path: (s) => `/circles/${s.circleId}`,
    first: fixed('First story here'),
    cursors: ['after', 'before'],
  },
  '/circles/search': {
    who: 'member',
    path: fixed('/circles/search'),
    first: fixed('Search'),
    cursors: ['after'],
    filters: ['q', 'module', 'kind', 'unanswered'],
  },
  '/notifications': {
    who: 'member',
    path: fixed('/notifications'),
    first: fixed('Notifications'),
    cursors: ['before'],
  },
  '/search': {
    who: 'anonymous',
    path: fixed('/search'),
    first: fixed('Search'),
    cursors: [],
    filters: ['q'],
  },
  '/opportunities': {
    who: 'anonymous',
    path: fixed('/opportunities'),
    first: fixed('Map maker'),
    cursors: ['after'],
    filters: ['state', 'chapterId'],
  },
  '/people/listed': {
    who: 'anonymous',
    path: fixed('/people/listed'),
    first: fixed('Find people'),
    cursors: ['page'],
    filters: ['chapterId'],
  },
};

/**
 * Paging cursors and search text are the newest parameters and the easiest to forge: every hostile
 * shape gets the first page (or a 4xx with a message), never a 500 and never an error in the log.
 */
describe('hostile paging and search parameters', () => {
  let t: TestApp;
  let agents: Record<Page['who'], Agent>;
  let setting: Setting;
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    log = capturingLogger('warn');
    t = await startTestApp({ logger: log.logger, env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' } });
    const m = t.dataSource.manager;
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    const boss = await createUser(m, { role: 'admin', displayName: 'Aaron Admin' });
    const person = await createUser(m, { chapterId: chapter.id, displayName: 'Mia Member' });
    await createUser(m, { role: 'coach', chapterId: chapter.id, displayName: 'Cory Coach' });
    await acceptConduct(t.dataSource, person.id);
    await m.insert(CoachRequest, { organizerId: person.id, message: 'Looking for a coach' });
    await createPost(t.dataSource, chapterCircle.id, person.id, { title: 'First story here' });
    await createGathering(m, { id: chapterCircle.id, chapterId: chapter.id }, boss.id, {
      title: 'Soonest potluck',
    });
    const startsAt = new Date(Date.now() + 86_400_000);
    await createWorkshop(m, {
      title: 'Soonest workshop',
      startsAt,
      createdById: boss.id,
      checkInSecret: 'paging-secret',
    });
    const project = await createProject(t.dataSource, chapter.id, { name: 'Pantry map' });
    await createRole(t.dataSource, project.id, { title: 'Map maker' });
    agents = {
      admin: await signedInAgent(t.app, boss.email),
      member: await signedInAgent(t.app, person.email),
      anonymous: request.agent(t.app),
    };
    setting = { chapterName: chapter.name, personId: person.id, circleId: chapterCircle.id };
  });
  afterAll(() => t.close());

  it.each(Object.keys(PAGES))(
    '%s answers every hostile cursor with the first page, and every hostile filter with a page or a 4xx',
    async (name) => {
      const { who, path, first, cursors, filters = [] } = PAGES[name];
      const wrong: string[] = [];
      const logged = log.errors().length;
      const params = [...cursors.map((c) => [c, true] as const), ...filters.map((f) => [f, false] as const)];
      for (const [param, isCursor] of params) {
        for (const query of hostile(param)) {
          const url = `${path(setting)}?${query}`;
          const response = await agents[who].get(url);
          const ok =
            (response.status === 200 && (!isCursor || response.text.includes(first(setting)))) ||
            (!isCursor && response.status >= 400 && response.status < 500 && response.status !== 404);
          if (!ok) wrong.push(`${response.status} ${url.slice(0, 160)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(
        log
          .errors()
          .slice(logged)
          .map((line) => line.msg),
      ).toEqual([]);
    },
    120_000,
  );
});
