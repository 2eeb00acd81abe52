import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../src/db/free-port';
import { projectRoot } from '../src/paths';
import { connectTestDatabase, createTestDatabase, databaseUrl, dropTestDatabase } from './helpers/database';
import { createUser, TEST_PASSWORD } from './helpers/factories';

jest.setTimeout(90_000);

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `src/server.ts` as `npm run dev` would; on the embedded database unless `env` names DATABASE_URL. */
const started: Running[] = [];

function startServer(env: Record<string, string>): Running {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  delete childEnv.DATABASE_URL;
  Object.assign(childEnv, env);
  // Node itself with tsx as a loader, not the tsx command: that one relays a signal to its child and
  // kills it (exit 143) when the child has not confirmed within 30 ms, which a busy machine can miss.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const running = { child, output: () => output, exited };
  started.push(running);
  return running;
}

async function waitFor(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(running.output());
    if (match) return match;
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`did not see ${pattern} in:\n${running.output()}`);
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('the server process on the embedded database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-server-'));
  afterEach(async () => {
    for (const running of started.splice(0)) {
      if (running.child.exitCode === null) running.child.kill('SIGTERM');
      await running.exited;
    }
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts PostgreSQL on 127.0.0.1, prints a setup link, stops cleanly on SIGTERM and reuses its data', async () => {
    const port = await findFreePort();
    const first = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    const [, setupPath] = await waitFor(first, /http:\/\/localhost:\d+(\/setup\?token=[\w-]+)/);
    expect(first.output()).toContain(`Organizer Academy is running at http://localhost:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const postmaster = fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
    const databasePort = Number(postmaster[3]);
    expect(postmaster[5]).toBe('127.0.0.1'); // listen_addresses
    expect(fs.statSync(path.join(dataDir, 'postgres-password')).mode & 0o777).toBe(0o600);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await portIsOpen(port)).toBe(false);
    expect(await portIsOpen(databasePort)).toBe(false);

    const second = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitFor(second, /\/setup\?token=/);
    const setupPage = await (await fetch(`http://127.0.0.1:${port}${setupPath}`)).text();
    expect(setupPage).toContain('Create the first admin account');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('refuses to start, saying why, when its issuer-key secret cannot open the stored signing keys', async () => {
    // The first test left a database whose keys are sealed with DATA_DIR/issuer-key-secret.
    const running = startServer({
      DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      ISSUER_KEY_SECRET: 'another-key-encryption-secret-of-enough-length-42',
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(
      /Invalid configuration:\n {2}- ISSUER_KEY_SECRET: the issuer signing keys in this database were sealed with another secret/,
    );
    expect(running.output()).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it('explains in one line when the embedded database cannot start', async () => {
    const notADirectory = path.join(dataDir, 'a-file');
    fs.writeFileSync(notADirectory, 'not a folder');
    const running = startServer({
      DATA_DIR: notADirectory,
      PORT: String(await findFreePort()),
      SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
    });
    expect(await running.exited).toBe(1);
    const lines = running.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Could not start the embedded PostgreSQL: .*a-file/);
  });

  it('explains in one line when the data folder cannot hold its files', async () => {
    const running = startServer({
      DATA_DIR: path.join(dataDir, 'a-file', 'below'),
      PORT: String(await findFreePort()),
    });
    expect(await running.exited).toBe(1);
    expect(running.output().trim()).toMatch(
      /^Invalid configuration:\n {2}- DATA_DIR: cannot write .*a-file\/below/,
    );
  });

  it('refuses to start on an invalid curriculum, listing each problem with file and line', async () => {
    const broken = path.join(dataDir, 'curriculum');
    fs.cpSync(path.join(projectRoot, 'curriculum'), broken, { recursive: true });
    const file = path.join(broken, 'coach', 'feedback-on-evidence.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/kind: coach/, 'kind: quiz'));
    const running = startServer({
      DATA_DIR: dataDir,
      CURRICULUM_DIR: broken,
      PORT: String(await findFreePort()),
    });
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(
      /^The curriculum has 1 problem\(s\):\ncurriculum\/coach\/feedback-on-evidence\.md:\d+: milestones\.0\.kind: must be coach or workshop/,
    );
  });

  it('lists configuration problems instead of starting', async () => {
    const running = startServer({ DATA_DIR: dataDir, PORT: 'eighty', TRUST_PROXY: 'true' });
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(/^Invalid configuration:\n {2}- PORT: .+\n {2}- TRUST_PROXY: /);
    expect(running.output()).not.toMatch(/\n\s+at /);
  });
});

/** A browser-like client for a real server: keeps its cookie and reads CSRF tokens from forms. */
async function signInOver(baseUrl: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${baseUrl}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ email, password, _csrf: token }).toString(),
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

describe('two server processes on one database', () => {
  let databaseName: string;
  afterEach(async () => {
    for (const running of started.splice(0)) {
      if (running.child.exitCode === null) running.child.kill('SIGTERM');
      await running.exited;
    }
    await dropTestDatabase(databaseName);
  });

  it('share sessions and data: a sign-in on one process is valid on the other', async () => {
    databaseName = await createTestDatabase();
    const dataSource = await connectTestDatabase(databaseName, 1);
    const user = await createUser(dataSource.manager, { role: 'admin' });
    await dataSource.destroy();
    const shared = {
      DATABASE_URL: databaseUrl(databaseName),
      SESSION_SECRET: 'one-secret-shared-by-every-process-0123456789',
    };
    const ports = [await findFreePort(), await findFreePort()];
    const servers = ports.map((port) => startServer({ ...shared, PORT: String(port) }));
    await Promise.all(servers.map((server) => waitFor(server, /is running at/)));

    const cookie = await signInOver(`http://127.0.0.1:${ports[0]}`, user.email, TEST_PASSWORD);
    const onSecond = await fetch(`http://127.0.0.1:${ports[1]}/account`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(onSecond.status).toBe(200);
    expect(await onSecond.text()).toContain(user.email);
  });
});
