import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { shutdownGracefully } from '../src/lifecycle';

const logger = pino({ level: 'silent' });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function serverWithSlowRoute(delayMs: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/slow') return res.end('quick');
    const timer = setTimeout(() => res.end('finished'), delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, then closes resources in order', async () => {
    const { server, port } = await serverWithSlowRoute(300);
    const inFlight = get(port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed: string[] = [];
    const shutdown = shutdownGracefully(
      server,
      [
        { name: 'pool', close: () => void closed.push('pool') },
        { name: 'embedded database', close: () => void closed.push('embedded database') },
      ],
      { timeoutMs: 5000, logger, acceptForMs: 200 },
    );
    // Within the accept window a new connection is still answered (readiness already says 503).
    await expect(get(port, '/')).resolves.toEqual({ status: 200, body: 'quick' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(get(port, '/')).rejects.toThrow(/ECONNREFUSED/);
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'finished' });
    await expect(shutdown).resolves.toBe(true);
    expect(closed).toEqual(['pool', 'embedded database']);
  });

  it('cuts requests that hang past the deadline and still closes everything', async () => {
    const { server, port } = await serverWithSlowRoute(60_000);
    const hanging = get(port, '/slow').then(
      () => 'completed',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed: string[] = [];
    const started = Date.now();
    const clean = await shutdownGracefully(
      server,
      [{ name: 'pool', close: () => void closed.push('pool') }],
      {
        timeoutMs: 200,
        logger,
      },
    );
    expect(clean).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hanging).toMatch(/socket hang up|ECONNRESET/);
    expect(closed).toEqual(['pool']);
  });

  it('waits for work its hung-up clients left behind before closing resources', async () => {
    const { server } = await serverWithSlowRoute(0);
    let work = 3;
    const tick = setInterval(() => (work -= 1), 30);
    const closed: { name: string; workLeft: number }[] = [];
    const clean = await shutdownGracefully(
      server,
      [{ name: 'pool', close: () => void closed.push({ name: 'pool', workLeft: work }) }],
      { timeoutMs: 5000, logger, busy: () => work > 0 },
    );
    clearInterval(tick);
    expect(clean).toBe(true);
    expect(closed).toEqual([{ name: 'pool', workLeft: 0 }]);
  });

  it('stops waiting for leftover work at the deadline and reports an unclean shutdown', async () => {
    const { server } = await serverWithSlowRoute(0);
    const closed: string[] = [];
    const started = Date.now();
    const clean = await shutdownGracefully(
      server,
      [{ name: 'pool', close: () => void closed.push('pool') }],
      {
        timeoutMs: 150,
        logger,
        busy: () => true,
      },
    );
    expect(clean).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(closed).toEqual(['pool']);
  });
});
