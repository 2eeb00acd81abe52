import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/db/free-port';
import { SERVER_ENTRY, SHARED_SESSION_SECRET, sleep } from './support/server-process';

const READY_MS = 90_000;

/** An app process on the embedded PostgreSQL (no DATABASE_URL) in a data folder the test keeps. */
class EmbeddedApp {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env))
      if (key.startsWith('TEST_') || key === 'DATABASE_URL') delete env[key];
    Object.assign(env, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: 'http://academy.reliability.test',
      DATA_DIR: dataDir,
      SESSION_SECRET: SHARED_SESSION_SECRET,
      SMTP_URL: '',
    });
    this.child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: dataDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  status(pathname: string): Promise<number> {
    return fetch(`http://127.0.0.1:${this.port}${pathname}`, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.status,
      () => 0,
    );
  }

  async until(pathname: string, status: number, ms = READY_MS): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await this.status(pathname)) !== status) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`${pathname} never answered ${status}:\n${this.output}`);
      await sleep(200);
    }
  }
}

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The watchdog shell of the app process `appPid`. */
function watchdogOf(appPid: number): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('academy-postgres-watchdog') && args.includes(String(appPid))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

describe('the embedded PostgreSQL under supervision', () => {
  let dataDir: string;
  let port: number;
  const apps: EmbeddedApp[] = [];
  const start = () => {
    const app = new EmbeddedApp(dataDir, port);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-reliability-embedded-'));
    port = await findFreePort();
  });
  afterAll(async () => {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGKILL');
    await sleep(500);
    if (fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))) {
      const pid = postmasterPid(dataDir);
      if (alive(pid)) process.kill(pid, 'SIGQUIT');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops with its app when the app is killed (SIGKILL): the watchdog ends it', async () => {
    const app = start();
    await app.until('/readyz', 200);
    const pgPid = postmasterPid(dataDir);
    expect(watchdogOf(app.child.pid!)).toBeDefined();
    app.child.kill('SIGKILL');
    await app.exited;
    await waitUntil(() => !alive(pgPid), 10_000, 'the orphaned PostgreSQL to stop');
  });

  it('stops a server a killed app left behind (watchdog killed too) at the next start, saying so in one line', async () => {
    const first = start();
    await first.until('/readyz', 200);
    const orphan = postmasterPid(dataDir);
    process.kill(watchdogOf(first.child.pid!)!, 'SIGKILL');
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(1500);
    expect(alive(orphan)).toBe(true); // left running, as after `kill -9` of the whole group but one

    const second = start();
    await second.until('/readyz', 200);
    expect(alive(orphan)).toBe(false);
    expect(second.output).toMatch(/Stopping the embedded PostgreSQL \(pid \d+\) left running/);
  });

  it('restarts the server when it dies; /healthz says 503 while it cannot, and recovers when it can', async () => {
    const app = apps.at(-1)!;
    process.kill(postmasterPid(dataDir), 'SIGKILL');
    await app.until('/readyz', 200, 30_000);
    expect(app.output).toMatch(/The embedded PostgreSQL exited; restarting it/);
    expect(app.output).toMatch(/The embedded PostgreSQL is running again/);

    // A server that cannot start again (its data folder is unusable) makes the process unhealthy.
    const version = path.join(dataDir, 'postgres', 'PG_VERSION');
    const kept = fs.readFileSync(version);
    fs.rmSync(version);
    process.kill(postmasterPid(dataDir), 'SIGKILL');
    await app.until('/healthz', 503, 30_000);
    expect(app.output).toMatch(/Could not restart the embedded PostgreSQL/);
    fs.writeFileSync(version, kept);
    fs.chownSync(
      version,
      fs.statSync(path.join(dataDir, 'postgres')).uid,
      fs.statSync(path.join(dataDir, 'postgres')).gid,
    );
    await app.until('/healthz', 200, 40_000);
    await app.until('/readyz', 200, 10_000);
  });

  it('exits promptly on SIGTERM after the server died, without waiting for an exit that already happened', async () => {
    const app = apps.at(-1)!;
    process.kill(postmasterPid(dataDir), 'SIGKILL');
    await sleep(200);
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    await app.exited;
    expect(Date.now() - signalledAt).toBeLessThan(5000);
  });

  it('removes a stale postmaster.pid naming a process that is not PostgreSQL, in one line, and starts', async () => {
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    await waitUntil(
      () => !fs.existsSync(pidFile) || !alive(postmasterPid(dataDir)),
      20_000,
      'the server to stop',
    );
    const impostor = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const lines = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n') : [];
      lines[0] = String(impostor.pid);
      fs.writeFileSync(
        pidFile,
        lines.length > 1 ? lines.join('\n') : `${impostor.pid}\n${dataDir}/postgres\n`,
      );
      const app = start();
      await app.until('/readyz', 200);
      expect(app.output).toMatch(/Removed a stale postmaster\.pid .* process \d+ is another program now/);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      impostor.kill('SIGKILL');
    }
  });
});
