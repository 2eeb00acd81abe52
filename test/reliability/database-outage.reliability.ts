import { createDataSource } from '../../src/db/data-source';
import { createUser } from '../helpers/factories';
import { PgCluster, pgClusterUnavailable } from './support/pg-cluster';
import { ServerProcess, sleep } from './support/server-process';
import { WebClient } from './support/web-client';

/** DB_CONNECT_TIMEOUT_MS for the app: every answer during the outage must come within it. */
const CONNECT_TIMEOUT_MS = 1500;
/** Rendering the error page and a busy two-core machine, on top of the connect timeout. */
const ANSWER_SLACK_MS = 1000;
const POOL_MAX = 4;
const TRAFFIC_WORKERS = 4;
const PAUSE_BETWEEN_REQUESTS_MS = 50;
const HEALTHY_BEFORE_MS = 1000;
const OUTAGE_MS = 4000;
const AFTER_RECOVERY_MS = 1500;
const RECOVERY_LIMIT_MS = 10_000;
const MODULE_READ_PATH = '/tracks/civic-tech-host/people-first/read';

type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'back';
interface Sample {
  phase: Phase;
  at: number;
  what: string;
  status: number | 'no answer';
  ms: number;
  retryAfter: string | null;
  body: string;
}

const unavailable = pgClusterUnavailable();

describe('a real PostgreSQL server stopped under traffic, then started again', () => {
  if (unavailable) {
    console.warn(`Skipping the database outage test: ${unavailable}.`);
    it.skip(`skipped: ${unavailable}`, () => undefined);
    return;
  }

  let cluster: PgCluster;
  let server: ServerProcess;
  let adminEmail: string;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    await cluster.start();
    // The app migrates the empty database itself on start, as in production.
    server = await ServerProcess.start({
      databaseUrl: cluster.url(),
      env: { DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DB_POOL_MAX: String(POOL_MAX) },
    });
    const dataSource = createDataSource({ url: cluster.url(), poolMax: 1 });
    await dataSource.initialize();
    adminEmail = (await createUser(dataSource.manager, { role: 'admin' })).email;
    await dataSource.destroy();
  });

  afterAll(async () => {
    const exit = await server?.stop();
    await cluster?.destroy();
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('answers 503 with Retry-After within the connect timeout while it is down, and recovers without a restart', async () => {
    const client = await new WebClient(server.origin).signIn(adminEmail);
    const token = await client.csrfToken();
    let phase: Phase = 'up';
    let running = true;
    const samples: Sample[] = [];
    const started = Date.now();

    const requests: { what: string; send: () => ReturnType<WebClient['get']> }[] = [
      { what: 'GET /account', send: () => client.get('/account') },
      { what: `POST ${MODULE_READ_PATH}`, send: () => client.post(MODULE_READ_PATH, {}, token) },
      {
        what: 'GET /workshops (JSON client)',
        send: () => client.get('/workshops', { accept: 'application/json' }),
      },
      { what: 'GET /me', send: () => client.get('/me') },
    ];
    const traffic = Array.from({ length: TRAFFIC_WORKERS }, async (_, worker) => {
      const { what, send } = requests[worker % requests.length];
      while (running) {
        const sentIn = phase;
        const at = Date.now() - started;
        try {
          const response = await send();
          samples.push({
            phase: sentIn,
            at,
            what,
            status: response.status,
            ms: response.ms,
            retryAfter: response.headers.get('retry-after'),
            body: response.text,
          });
        } catch (error) {
          samples.push({
            phase: sentIn,
            at,
            what,
            status: 'no answer',
            ms: 0,
            retryAfter: null,
            body: `${String(error)}; cause: ${String((error as { cause?: unknown }).cause)}`,
          });
        }
        await sleep(PAUSE_BETWEEN_REQUESTS_MS);
      }
    });

    await sleep(HEALTHY_BEFORE_MS);
    phase = 'stopping';
    await cluster.stop();
    phase = 'down';
    await sleep(OUTAGE_MS / 2);
    const health = await client.get('/healthz');
    const readiness = await client.get('/readyz');
    await sleep(OUTAGE_MS / 2);
    phase = 'starting';
    await cluster.start();
    phase = 'back';
    const backAt = Date.now() - started;
    await sleep(AFTER_RECOVERY_MS);
    let recovered = samples.find((s) => s.phase === 'back' && s.status !== 503);
    while (!recovered && Date.now() - started - backAt < RECOVERY_LIMIT_MS) {
      await sleep(200);
      recovered = samples.find((s) => s.phase === 'back' && s.status !== 503);
    }
    running = false;
    await Promise.all(traffic);

    expect(server.running).toBe(true);
    const summary = (list: Sample[]) =>
      list.map(
        (s) =>
          `${s.phase} ${s.what}: ${s.status} in ${Math.round(s.ms)} ms` +
          (s.status === 'no answer' ? ` (${s.body})` : ''),
      );
    // The process always answered, and only with success or 503: no 500, no dropped connection.
    const expectedStatus = (s: Sample) => (s.what.startsWith('POST') ? 303 : 200);
    expect(summary(samples.filter((s) => s.status !== expectedStatus(s) && s.status !== 503))).toEqual([]);
    expect(summary(samples.filter((s) => s.phase === 'up' && s.status !== expectedStatus(s)))).toEqual([]);

    const down = samples.filter((s) => s.phase === 'down');
    expect(down.length).toBeGreaterThanOrEqual(TRAFFIC_WORKERS * 4);
    expect(summary(down.filter((s) => s.status !== 503))).toEqual([]);
    expect(summary(down.filter((s) => s.ms > CONNECT_TIMEOUT_MS + ANSWER_SLACK_MS))).toEqual([]);
    expect(down.filter((s) => !/^[1-9]\d*$/.test(s.retryAfter ?? '')).map((s) => s.retryAfter)).toEqual([]);
    for (const s of down) {
      expect(s.body).toMatch(/cannot reach its database/);
      expect(s.body).not.toMatch(/ECONNREFUSED|\n\s+at .+:\d+:\d+|node_modules|\.[jt]s:\d+/);
    }
    expect(health.status).toBe(200);
    expect(readiness.status).toBe(503);

    // Back without restarting the app: the same session works, and every request after the first
    // success succeeds.
    expect(recovered).toBeDefined();
    const afterRecovery = samples.filter((s) => s.phase === 'back' && s.at >= recovered!.at);
    expect(summary(afterRecovery.filter((s) => s.status !== expectedStatus(s)))).toEqual([]);
    const account = await client.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain(adminEmail);
    expect((await client.get('/readyz')).status).toBe(200);
  });
});
