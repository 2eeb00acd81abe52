import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../../src/db/free-port';

/** Debian's PostgreSQL 15 (`apt-get install postgresql-15`), as .ci/run uses it. */
export const PG_BIN = process.env.RELIABILITY_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** Why the cluster cannot be used here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (isRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'there is no `postgres` OS user to run PostgreSQL as (useradd --system --user-group postgres)';
    }
  }
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!fs.existsSync(path.join(PG_BIN, tool)))
      return `${path.join(PG_BIN, tool)} is missing (install Debian's postgresql-15, or set RELIABILITY_PG_BIN)`;
  }
  return undefined;
}

/**
 * A PostgreSQL server of our own that a test may stop and start (the shared test server must not be
 * touched). PostgreSQL refuses to run as root, so as root every command runs as the `postgres` OS
 * user through runuser, exactly as .ci/run does. Commands are asynchronous: traffic keeps flowing
 * while the server stops and starts.
 */
export class PgCluster {
  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly password: string,
  ) {}

  static async create(): Promise<PgCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-reliability-pg-'));
    const password = crypto.randomBytes(18).toString('hex');
    fs.writeFileSync(path.join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
    if (isRoot) {
      const [uid, gid] = await Promise.all(
        ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim())),
      );
      fs.chownSync(dir, uid, gid);
      fs.chownSync(path.join(dir, 'pwfile'), uid, gid);
    }
    const cluster = new PgCluster(dir, await findFreePort(), password);
    await cluster.pg('initdb', [
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      `--pwfile=${path.join(dir, 'pwfile')}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Runs a PostgreSQL tool (as the postgres user when we are root). */
  private async pg(tool: string, args: string[]): Promise<void> {
    const binary = path.join(PG_BIN, tool);
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    try {
      await run(file, argv, { cwd: os.tmpdir() });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const log = fs.existsSync(path.join(this.dir, 'log'))
        ? fs.readFileSync(path.join(this.dir, 'log'), 'utf8')
        : '';
      throw new Error(`${tool} ${args.join(' ')} failed:\n${stdout}${stderr}\n${log}`, { cause: error });
    }
  }

  url(database = 'postgres'): string {
    return `postgres://postgres:${this.password}@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts and waits until it accepts connections (pg_ctl -w). */
  start(): Promise<void> {
    return this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${this.port} -c unix_socket_directories='' -c fsync=off`,
      'start',
    ]);
  }

  /** Fast shutdown: open sessions are terminated, in-flight transactions rolled back. */
  stop(): Promise<void> {
    return this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
