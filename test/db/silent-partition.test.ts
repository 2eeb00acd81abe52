import pino from 'pino';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ChangeFeed } from '../../src/db/change-feed';
import { createDataSource } from '../../src/db/data-source';
import { TEST_ENV, testCatalog } from '../helpers/app';
import { createTestDatabase, databaseUrl, dropTestDatabase } from '../helpers/database';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { TcpProxy } from '../helpers/tcp-proxy';

const QUERY_TIMEOUT_MS = 1500;
const HEARTBEAT_MS = 300;

/**
 * A silent partition: the path to PostgreSQL drops every byte without closing anything (a NAT or a
 * load balancer that forgot the flow). Nothing errors by itself; only timeouts can tell.
 */
describe('a silent network partition between the app and PostgreSQL', () => {
  let name: string;
  let proxy: TcpProxy;
  let url: string;
  let dataSource: DataSource;
  let app: App;

  beforeAll(async () => {
    name = await createTestDatabase();
    const target = new URL(databaseUrl(name));
    proxy = new TcpProxy(target.hostname, Number(target.port));
    target.host = `127.0.0.1:${await proxy.start()}`;
    url = target.toString();
    dataSource = createDataSource({
      url,
      poolMax: 3,
      connectTimeoutMs: 1000,
      queryTimeoutMs: QUERY_TIMEOUT_MS,
    });
    await dataSource.initialize();
    const config = loadConfig(TEST_ENV);
    app = createApp({
      config,
      dataSource,
      catalog: testCatalog(config.curriculumDir),
      logger: pino({ level: 'silent' }),
      sessionPruneSeconds: false,
    });
  });
  afterAll(async () => {
    proxy.unstall();
    await app.closeResources();
    await dataSource.destroy();
    await proxy.cut().catch(() => undefined);
    await dropTestDatabase(name);
  });

  it('answers 503 within the query timeout (plus the client grace), then recovers', async () => {
    const user = await createUser(dataSource.manager);
    const agent = await signedInAgent(app, user.email);
    expect((await agent.get('/account')).status).toBe(200);

    proxy.stall();
    const started = Date.now();
    const page = await agent.get('/account');
    const tookMs = Date.now() - started;
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBeDefined();
    expect(tookMs).toBeLessThan(QUERY_TIMEOUT_MS + 2500);

    proxy.unstall();
    await proxy.cut(); // the stalled connections are useless now; the pool opens new ones
    await proxy.restore();
    const deadline = Date.now() + 10_000;
    let again = await agent.get('/account');
    while (again.status !== 200 && Date.now() < deadline) again = await agent.get('/account');
    expect(again.status).toBe(200);
  });

  it('the change feed stops vouching for caches within 1.5 heartbeats, reconnects, and logs both', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const feed = new ChangeFeed({ connectionString: url }, logger, { heartbeatMs: HEARTBEAT_MS });
    feed.start();
    const waitFor = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitFor(() => feed.live, 'the feed to start');
      const resets: number[] = [];
      feed.watch('certificates', () => resets.push(Date.now()));
      // A few heartbeats pass while the connection is healthy: it stays live.
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 3));
      expect(feed.live).toBe(true);

      proxy.stall();
      const stalledAt = Date.now();
      await waitFor(() => !feed.live, 'the feed to notice');
      expect(Date.now() - stalledAt).toBeLessThan(HEARTBEAT_MS * 2 + 200);
      await waitFor(() => lines.some((line) => line.includes('change feed lost')), 'the loss to be logged');
      expect(resets.length).toBeGreaterThan(0); // caches were emptied

      proxy.unstall();
      await waitFor(() => feed.live, 'the feed to come back');
      await waitFor(() => lines.some((line) => line.includes('change feed back')), 'the return to be logged');
    } finally {
      await feed.stop();
    }
  });
});
