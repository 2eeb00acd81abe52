import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../../src/db/free-port';
import { projectRoot } from '../../../src/paths';
import { TEST_ENV } from '../../helpers/app';

/** What the global setup builds; every process under test runs it, as `npm start` does. */
export const SERVER_ENTRY = path.join(projectRoot, 'dist', 'src', 'server.js');
/** Several processes must share it (docs/operators.md, "Scaling past one process"). */
export const SHARED_SESSION_SECRET = 'reliability-suite-session-secret-shared-0123456789';
/**
 * Every process seals and opens the issuer's signing keys with one key-encryption secret, as
 * several production processes must; the in-process test apps that seed keys use the same one.
 */
export const SHARED_ISSUER_KEY_SECRET = TEST_ENV.ISSUER_KEY_SECRET;
/** The public origin every process is given; links and credential ids use it, clients never do. */
export const SHARED_BASE_URL = 'http://academy.reliability.test';
/** LOG_LEVEL for the processes: silent unless RELIABILITY_LOG_LEVEL asks for more while debugging. */
const LOG_LEVEL = process.env.RELIABILITY_LOG_LEVEL ?? 'silent';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface ServerOptions {
  databaseUrl: string;
  /** Chosen once and reused on restart, so clients keep talking to the same address. */
  port?: number;
  /** Extra settings (DB_CONNECT_TIMEOUT_MS, SHUTDOWN_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One real app process (`node dist/src/server.js`) with NODE_ENV=production on a given database.
 * It runs in its own temporary folder (DATA_DIR and cwd, so no developer `.env` leaks in).
 */
export class ServerProcess {
  private output = '';
  readonly exited: Promise<Exit>;
  readonly child: ChildProcess;

  private constructor(
    readonly port: number,
    readonly options: ServerOptions,
    readonly dataDir: string,
  ) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env))
      if (key.startsWith('TEST_') || key === 'DATABASE_URL') delete env[key];
    Object.assign(env, {
      NODE_ENV: 'production',
      LOG_LEVEL,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: SHARED_BASE_URL,
      DATA_DIR: dataDir,
      SESSION_SECRET: SHARED_SESSION_SECRET,
      ISSUER_KEY_SECRET: SHARED_ISSUER_KEY_SECRET,
      SMTP_URL: '',
      ...options.env,
    });
    this.child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: dataDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts a process and resolves once GET /readyz answers 200. */
  static async start(options: ServerOptions): Promise<ServerProcess> {
    const port = options.port ?? (await findFreePort());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-reliability-app-'));
    const server = new ServerProcess(port, options, dataDir);
    await server.waitReady();
    return server;
  }

  /** A new process on the same port, database and settings (after a crash or a stop). */
  restart(): Promise<ServerProcess> {
    return ServerProcess.start({ ...this.options, port: this.port });
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return this.output;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running) break;
      const ready = await fetch(`${this.origin}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    this.child.kill('SIGKILL');
    throw new Error(`the server on port ${this.port} did not become ready:\n${this.output}`);
  }

  /** SIGKILL: no shutdown code runs, sockets are cut by the kernel. */
  async crash(): Promise<Exit> {
    this.child.kill('SIGKILL');
    const exit = await this.exited;
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    return exit;
  }

  /** SIGTERM and wait for the exit (SIGKILL after a generous deadline so a test cannot hang). */
  async stop(): Promise<Exit> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    return exit;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
