import crypto from 'node:crypto';
import http from 'node:http';
import { Client } from 'pg';
import { databaseUrl, dropTestDatabase } from '../helpers/database';
import { freshDatabase, type TestDatabase } from './support/scenario';
import { ServerProcess, sleep } from './support/server-process';

const BURST = 50;
const KEEP_ALIVE_CLIENTS = 5;
const PAGE = '/tracks/civic-tech-organizer';

type Outcome = number | string;

/** The status, or the error code; "on a kept-alive connection" when the error hit a reused one. */
function get(port: number, agent: http.Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException) =>
      resolve(`${error.code ?? error.message}${request.reusedSocket ? ' on a kept-alive connection' : ''}`);
    const request = http.get({ host: '127.0.0.1', port, path: PAGE, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', failed);
    });
    request.on('error', failed);
  });
}

describe('SIGTERM with requests on the way', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db?.drop());

  it('answers every request clients had sent, resets no kept-alive connection, warns of nothing cut, exits 0', async () => {
    const server = await ServerProcess.start({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } });
    const agents = Array.from(
      { length: KEEP_ALIVE_CLIENTS },
      () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
    );
    let stopLoops = false;
    // Kept-alive clients asking one page after another until connections are refused.
    const loops = agents.map(async (agent) => {
      const outcomes: Outcome[] = [];
      while (!stopLoops) {
        const outcome = await get(server.port, agent);
        outcomes.push(outcome);
        if (typeof outcome === 'string' && !outcome.includes('kept-alive')) break; // refused (or reset) at the door
      }
      return outcomes;
    });
    await sleep(300);
    const burst = Array.from({ length: BURST }, () => get(server.port, false));
    await sleep(20);
    server.child.kill('SIGTERM');
    const burstOutcomes = await Promise.all(burst);
    const exit = await server.exited;
    stopLoops = true;
    const loopOutcomes = (await Promise.all(loops)).flat();
    agents.forEach((agent) => agent.destroy());

    expect(burstOutcomes.filter((outcome) => outcome !== 200)).toEqual([]);
    // Kept-alive clients saw answers, then, once the server stopped accepting, their new connection
    // refused (or reset, when it arrived in the very moment the listening socket closed: the kernel
    // resets what is still queued; a load balancer stopped sending long before). A request sent on
    // a connection the server had accepted is never reset.
    expect(loopOutcomes.filter((outcome) => String(outcome).includes('kept-alive'))).toEqual([]);
    expect(
      loopOutcomes.filter(
        (outcome) => outcome !== 200 && !/^(ECONNREFUSED|ECONNRESET)$/.test(String(outcome)),
      ),
    ).toEqual([]);
    expect(loopOutcomes.filter((outcome) => outcome === 200).length).toBeGreaterThan(KEEP_ALIVE_CLIENTS);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.log()).not.toMatch(/shutdown deadline/);
    await server.stop();
  });
});

describe('several processes started together on an empty database', () => {
  const name = `academy_test_empty_${crypto.randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    const client = new Client({ connectionString: process.env.TEST_DATABASE_SERVER_URL });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
  });
  afterAll(() => dropTestDatabase(name));

  it('all start: one migrates, the others wait for it (advisory lock)', async () => {
    const servers = await Promise.all(
      [0, 1, 2].map(() => ServerProcess.start({ databaseUrl: databaseUrl(name) })),
    );
    try {
      expect(servers.every((server) => server.running)).toBe(true);
      const client = new Client({ connectionString: databaseUrl(name) });
      await client.connect();
      const { rows } = await client.query<{ n: string; distinct: string }>(
        'SELECT count(*) AS n, count(DISTINCT name) AS distinct FROM migrations',
      );
      await client.end();
      expect(Number(rows[0].n)).toBe(Number(rows[0].distinct));
      expect(Number(rows[0].n)).toBeGreaterThan(10);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});
