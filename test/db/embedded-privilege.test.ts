import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '../../src/paths';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(dataDir: string): Started {
  const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) {
    started.child.kill('SIGTERM');
    await started.exited;
  }
}

const passwordFilesInTmp = () =>
  fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('pg-password-'));

describe('the embedded PostgreSQL: least privilege, private secrets, root-safe', () => {
  jest.setTimeout(120_000);

  it('connects the app as a non-superuser role owning its schema, leaving no readable password file', async () => {
    const before = passwordFilesInTmp();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-privilege-'));
    const server = startServer(dataDir);
    try {
      const deadline = Date.now() + 90_000;
      while (!server.output().includes('is running at')) {
        if (Date.now() > deadline || server.child.exitCode !== null)
          throw new Error(`server did not start:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(passwordFilesInTmp()).toEqual(before);
      expect(fs.existsSync(path.join(dataDir, 'initdb-tmp'))).toBe(false);
      for (const secret of ['postgres-password', 'app-password', 'session-secret', 'issuer-key-secret'])
        expect([secret, fs.statSync(path.join(dataDir, secret)).mode & 0o777]).toEqual([secret, 0o600]);

      const port = Number(
        fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3],
      );
      const superuser = new Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        password: fs.readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim(),
        database: 'academy',
      });
      await superuser.connect();
      try {
        const role = await superuser.query<{
          rolsuper: boolean;
          rolcreatedb: boolean;
          rolcreaterole: boolean;
        }>("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'academy_app'");
        expect(role.rows).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
        const owners = await superuser.query<{ owner: string }>(
          "SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'",
        );
        expect(owners.rows).toEqual([{ owner: 'academy_app' }]);
        const sessions = await superuser.query<{ usename: string }>(
          "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'academy' AND pid <> pg_backend_pid() AND usename IS NOT NULL",
        );
        expect(sessions.rows).toEqual([{ usename: 'academy_app' }]);
      } finally {
        await superuser.end();
      }
    } finally {
      await stop(server);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('run as root from a mode-700 folder, stops with one line saying what to do', async () => {
    const privateHome = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-root-home-'));
    fs.chmodSync(privateHome, 0o700);
    try {
      const server = startServer(path.join(privateHome, 'data'));
      const code = await server.exited;
      const lines = server.output().trim().split('\n');
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot enter ${privateHome} (mode 700)`);
      expect(lines[0]).toMatch(/DATA_DIR/);
      expect(server.output()).not.toContain('EACCES');
    } finally {
      fs.rmSync(privateHome, { recursive: true, force: true });
    }
  });
});
