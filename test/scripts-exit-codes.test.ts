import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/paths';

interface Outcome {
  code: number | null;
  output: string;
}

/** Runs `npx tsx scripts/<name>` the way `npm run` does, with only the given settings. */
function runScript(name: string, env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), [`scripts/${name}`], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const SETTINGS = { SESSION_SECRET: 'a-session-secret-long-enough-for-the-config-0123456789' };

describe('command-line scripts exit non-zero when they fail', () => {
  jest.setTimeout(120_000);
  let dataDir: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-cli-'));
    // The app itself holds the data dir's database, as when someone seeds while `npm run dev` runs.
    const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/server.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...SETTINGS, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('is running at')) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('seed:demo, when the data dir’s database is already running, says so and exits 1', async () => {
    const { code, output } = await runScript('seed-demo.ts', { ...SETTINGS, DATA_DIR: dataDir });
    expect(output).toContain('Could not start the embedded PostgreSQL');
    expect(code).toBe(1);
  });

  it('migrate, seed:bench and keys:rotate exit 1 when the database cannot be reached', async () => {
    const unreachable = { ...SETTINGS, DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' };
    for (const script of ['migrate.ts', 'rotate-issuer-key.ts', 'seed-bench.ts']) {
      const { code } = await runScript(script, unreachable);
      expect([script, code]).toEqual([script, 1]);
    }
  });
});
