import http from 'node:http';
import net from 'node:net';
import { Client } from 'pg';
import { TEST_PASSWORD } from '../helpers/factories';
import { registrationCounts } from './support/invariants';
import { freshDatabase, Scenario, type TestDatabase } from './support/scenario';
import { ServerProcess, sleep } from './support/server-process';
import { WebClient } from './support/web-client';

/** Generous: the in-flight request must finish by itself, well before the cut-off. */
const SHUTDOWN_TIMEOUT_MS = 15_000;
/** How long the request stays blocked after SIGTERM (the test holds a row lock it needs). */
const HOLD_AFTER_SIGTERM_MS = 1500;
const WAIT_FOR_BLOCKED_REQUEST_MS = 10_000;
const REFUSAL_DEADLINE_MS = 2000;
/**
 * Once the last response is out the process must end promptly: idle keep-alive connections (a
 * client's pool keeps them for seconds) must not hold the drain open.
 */
const EXIT_AFTER_LAST_RESPONSE_MS = 2000;

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** A plain request on a new connection (no keep-alive pool that could hide a refusal). */
function freshGet(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('graceful shutdown of a real server process (SIGTERM)', () => {
  let db: TestDatabase;
  let locker: Client | undefined;

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    await locker?.end().catch(() => undefined);
    locker = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** A server process, a signed-in organizer, and a workshop whose row we hold locked. */
  async function serverWithLockedWorkshop() {
    const scenario = new Scenario(db.dataSource);
    const admin = await scenario.user('admin');
    const [organizer] = await scenario.organizers(1);
    const workshop = await scenario.workshop(admin, { capacity: 5, milestoneIds: [] });
    const server = await ServerProcess.start({
      databaseUrl: db.url,
      env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
    });
    const client = await new WebClient(server.origin).signIn(organizer.email);
    const token = await client.csrfToken();
    // Registering locks the workshop row (SELECT ... FOR UPDATE): while we hold it, it waits.
    locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM workshops WHERE id = $1 FOR UPDATE', [workshop.id]);
    return { server, client, token, workshop, locker };
  }

  async function someoneWaitsForALock(): Promise<boolean> {
    const [{ waiting }] = await db.dataSource.query<{ waiting: number }[]>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    return waiting > 0;
  }

  it('lets the slow request in flight finish, refuses new connections, then exits 0', async () => {
    const { server, client, token, workshop, locker } = await serverWithLockedWorkshop();
    const slow = client.post(`/workshops/${workshop.id}/register`, {}, token);
    let answeredAt = 0;
    void slow.then(
      () => (answeredAt = Date.now()),
      () => undefined,
    );
    await waitUntil(
      someoneWaitsForALock,
      WAIT_FOR_BLOCKED_REQUEST_MS,
      'the registration to wait for the row lock',
    );

    server.child.kill('SIGTERM');
    await waitUntil(
      () => connectionRefused(server.port),
      REFUSAL_DEADLINE_MS,
      'new connections to be refused',
    );
    expect(await freshGet(server.port, '/healthz')).toBe('ECONNREFUSED');
    await sleep(HOLD_AFTER_SIGTERM_MS);
    expect(server.running).toBe(true); // still draining
    expect(answeredAt).toBe(0);

    await locker.query('COMMIT');
    const response = await slow;
    const exit = await server.exited;
    const exitedAt = Date.now();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/workshops/${workshop.id}`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAt).toBeGreaterThanOrEqual(answeredAt);
    expect(exitedAt - answeredAt).toBeLessThan(EXIT_AFTER_LAST_RESPONSE_MS);
    expect(await registrationCounts(db.dataSource, workshop.id)).toEqual({
      registered: 1,
      waitlisted: 0,
      people: 1,
    });
    await server.stop(); // already exited: removes its folder
  });

  it('finishes work whose client hung up before closing the database, and still exits 0', async () => {
    const { server, client, token, workshop, locker } = await serverWithLockedWorkshop();
    // The person gives up after half a second; the server's handler keeps waiting for the lock.
    const gaveUp = client
      .request('POST', `/workshops/${workshop.id}/register`, { form: { _csrf: token }, timeoutMs: 500 })
      .then(
        () => 'answered',
        () => 'gave up',
      );
    expect(await gaveUp).toBe('gave up');
    expect(await someoneWaitsForALock()).toBe(true);

    // No connection is left, so the server drains at once; the database must stay until the
    // registration the person started is done.
    server.child.kill('SIGTERM');
    await waitUntil(
      () => connectionRefused(server.port),
      REFUSAL_DEADLINE_MS,
      'new connections to be refused',
    );
    await sleep(HOLD_AFTER_SIGTERM_MS);
    expect(server.running).toBe(true);

    await locker.query('COMMIT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(await registrationCounts(db.dataSource, workshop.id)).toEqual({
      registered: 1,
      waitlisted: 0,
      people: 1,
    });
    expect(server.log()).not.toMatch(/Cannot use a pool|request failed|could not close cleanly/);
    await server.stop();
  });

  it('checks no password for people who gave up while their sign-in was queued, and exits 0', async () => {
    const scenario = new Scenario(db.dataSource);
    const [organizer] = await scenario.organizers(1);
    const server = await ServerProcess.start({
      databaseUrl: db.url,
      env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), PASSWORD_HASH_CONCURRENCY: '1' },
    });
    const visitor = new WebClient(server.origin);
    const token = await visitor.csrfToken();
    // A burst of right-password sign-ins (Argon2id, one at a time) whose senders give up after 150 ms.
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        visitor
          .request('POST', '/login', {
            form: { email: organizer.email, password: TEST_PASSWORD, _csrf: token },
            timeoutMs: 150,
          })
          .then(
            () => 'answered',
            () => 'gave up',
          ),
      ),
    );
    const gaveUp = outcomes.filter((outcome) => outcome === 'gave up').length;
    expect(gaveUp).toBeGreaterThan(20);
    // Time enough for all 30 checks had they stayed queued (about 50 ms each).
    await sleep(3000);
    const [{ signedIn }] = await db.dataSource.query<{ signedIn: number }[]>(
      `SELECT count(*)::int AS "signedIn" FROM sessions WHERE sess #>> '{passport,user}' = $1`,
      [organizer.id],
    );
    // Only those whose check had started before their person left went on to sign in.
    expect(signedIn).toBeLessThan(30 - gaveUp + 8);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.log()).not.toMatch(/Cannot use a pool|request failed|could not close cleanly/);
    await server.stop();
  });
});
