import { TcpProxy } from '../helpers/tcp-proxy';
import { freshDatabase, Scenario, type TestDatabase } from './support/scenario';
import { ServerProcess, sleep } from './support/server-process';
import { WebClient } from './support/web-client';

const QUERY_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;
const HEARTBEAT_MS = 500;

/**
 * Two processes; the second reaches PostgreSQL through a path that goes silent (a NAT or load
 * balancer forgetting its flows: bytes dropped, nothing closed). Meanwhile the person's session is
 * ended. The second process must answer 503 within the documented time, notice that its change
 * feed is gone (logged), and once the path is back never accept the ended session from memory.
 */
describe('a silent partition between one app process and PostgreSQL', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let servers: ServerProcess[];

  beforeAll(async () => {
    db = await freshDatabase();
    const target = new URL(db.url);
    proxy = new TcpProxy(target.hostname, Number(target.port));
    target.host = `127.0.0.1:${await proxy.start()}`;
    servers = [
      await ServerProcess.start({ databaseUrl: db.url }),
      await ServerProcess.start({
        databaseUrl: target.toString(),
        env: {
          LOG_LEVEL: 'info',
          DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
          DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
          CHANGE_FEED_HEARTBEAT_MS: String(HEARTBEAT_MS),
        },
      }),
    ];
  });
  afterAll(async () => {
    proxy?.unstall();
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await proxy?.cut().catch(() => undefined);
    await db?.drop();
  });

  it('answers 503 within the query timeout, logs the lost feed, and never serves the ended session afterwards', async () => {
    const [person] = await new Scenario(db.dataSource).organizers(1);
    const device = await new WebClient(servers[0].origin).signIn(person.email);
    const throughB = device.on(servers[1].origin);
    expect((await throughB.get('/account')).status).toBe(200); // now in B's memory

    proxy.stall();
    const started = Date.now();
    const during = await throughB.get('/account');
    expect(during.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 2500);

    // Signed out everywhere while B hears nothing (its change notice is lost in the partition).
    await db.dataSource.query(`DELETE FROM sessions WHERE sess #>> '{passport,user}' = $1`, [person.id]);
    const deadline = Date.now() + 10_000;
    while (!servers[1].log().includes('change feed lost') && Date.now() < deadline) await sleep(100);
    expect(servers[1].log()).toContain('change feed lost');

    // The flows are gone for good (the NAT forgot them); new connections work.
    proxy.unstall();
    await proxy.cut();
    await proxy.restore();
    const statuses: number[] = [];
    const until = Date.now() + 20_000;
    for (;;) {
      const response = await throughB.get('/account');
      statuses.push(response.status);
      if (response.status !== 503 || Date.now() > until) break;
      await sleep(100);
    }
    expect(statuses.filter((status) => status !== 503)).toEqual([303]);
    while (!servers[1].log().includes('change feed back') && Date.now() < until) await sleep(100);
    expect(servers[1].log()).toContain('change feed back');
  });
});
