import request, { type Response } from 'supertest';
import type { ThrottleLimits } from '../../src/accounts/login-throttle';
import type { App } from '../../src/app';
import { startTestApp, type TestApp } from './app';
import { csrfFrom, csrfToken, signedInAgent, type Agent } from './http';

export const BURST = 50;
/** What in-flight caps say when one key has too many requests running (public pages, attempt limits). */
const BUSY = ['still being answered', 'still being checked'];

/** One request ready to fire: its session and CSRF token were fetched beforehand. */
export type Ready = () => Promise<Response>;

/** One limit, as the burst test drives it. */
export interface LimitCase {
  /** How many requests of one key the limit lets do the work. */
  allowed: number;
  /** What a refusal tells the person (the limit's own message). */
  message: string;
  /** Request number `i` for the limited key, prepared (page fetched) but not sent. */
  prepare(i: number): Promise<Ready>;
  /** Did this response do the work (true), get refused by a limit (false)? Anything else fails the test. */
  done(r: Response): boolean | undefined;
  /** Rows the work stored for this key, when it stores any. */
  rows?: () => Promise<number>;
  /** Rows each request that did the work stores (0 for a wrong check-in code). */
  rowsEach?: number;
  /**
   * The limit guards a secret and also caps attempts running at once, counting those it refuses as
   * busy: then the allowance is a ceiling a burst may not reach, never an amount to make up.
   */
  busyCounts?: true;
}

/** `done` for forms that answer `success` when they did the work and 429 when refused. */
export const refusedWith429 = (success: number) => (r: Response) =>
  r.status === success ? true : r.status === 429 ? false : undefined;

/** Two app processes on one database, as behind a load balancer (each with its own memory limits). */
export async function twoProcesses(env: Record<string, string>, throttleLimits?: ThrottleLimits) {
  const first = await startTestApp({ env, throttleLimits });
  const second = await startTestApp({ env, throttleLimits, databaseName: first.databaseName });
  return {
    first,
    second,
    /** The app of request `i`: requests alternate between the processes. */
    app: (i: number): App => [first, second][i % 2].app,
    close: async () => {
      await second.close();
      await first.close();
    },
  };
}

/** An anonymous form on `path`, opened from `ip` on `app`, ready to post `fields`. */
export async function anonymousForm(app: App, path: string, ip: string, fields: Record<string, string>) {
  const agent = request.agent(app);
  const page = await agent.get(path).set('X-Forwarded-For', ip);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
  const csrf = csrfFrom(page.text);
  return () =>
    agent
      .post(path)
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ ...fields, _csrf: csrf });
}

/** One signed-in session of `email` on each process, with its CSRF token. */
export function sessionsOf(apps: TestApp[], email: string): Promise<{ agent: Agent; token: string }[]> {
  return Promise.all(
    apps.map(async (t) => {
      const agent = await signedInAgent(t.app, email);
      return { agent, token: await csrfToken(agent) };
    }),
  );
}

/**
 * Fires 50 prepared requests at once and checks the limit held: no more did the work than allowed,
 * every other was refused with Retry-After and a message (never a 500), the stored rows match, and
 * requests sent one by one afterwards make up exactly the rest of the allowance (what an in-flight
 * cap refused before the limit counted it), then are refused.
 */
export async function expectBurstHolds(name: string, limit: LimitCase): Promise<void> {
  const ready: Ready[] = [];
  for (let i = 0; i < BURST; i += 1) ready.push(await limit.prepare(i));
  const burst = await Promise.all(ready.map((send) => send()));

  const outcomes = burst.map((r) => limit.done(r));
  const unexpected = burst.filter((_, i) => outcomes[i] === undefined);
  expect([name, unexpected.map((r) => `${r.status} ${r.text.slice(0, 3000)}`)]).toEqual([name, []]);
  const done = outcomes.filter((o) => o === true).length;
  expect([name, done <= limit.allowed, done > 0]).toEqual([name, true, true]);
  for (const refused of burst.filter((_, i) => outcomes[i] === false)) {
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const says = [limit.message, ...BUSY].some((text) => refused.text.includes(text));
    if (refused.status === 429) expect([name, says]).toEqual([name, true]);
  }

  let total = done;
  let last: Response | undefined;
  for (let i = BURST; i <= BURST + limit.allowed; i += 1) {
    last = await (await limit.prepare(i))();
    if (limit.done(last) !== true) break;
    total += 1;
  }
  if (limit.busyCounts) expect(total).toBeLessThanOrEqual(limit.allowed);
  else expect([name, total]).toEqual([name, limit.allowed]);
  expect(limit.done(last!)).toBe(false);
  if (last!.status === 429) expect(last!.text).toContain(limit.message);
  expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  if (limit.rows) expect([name, await limit.rows()]).toEqual([name, total * (limit.rowsEach ?? 1)]);
}

/** Low attempt limits for burst tests of sign-in, password resets and password checks. */
export const BURST_TEST_LIMITS = {
  perAccountAndIp: 5,
  perIp: 10,
  windowSeconds: 600,
  blockSeconds: 600,
  resetsPerIp: 10,
  resetsPerAccount: 3,
  passwordChecks: 5,
};
