import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '..', '..');

/** Every child the benchmark started; stopped on exit, and only these (never by name). */
const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.pid) child.kill('SIGTERM');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    // Give the app time to stop its embedded PostgreSQL before we go.
    setTimeout(() => process.exit(130), 3_000).unref();
  });
}

export interface Started {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `node args…` with `env` added, its output appended to `logFile`. */
export function startProcess(node: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Started {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(node, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  if (!child.pid) throw new Error(`could not start ${node}`);
  return { child, pid: child.pid, logFile, exited };
}

/** SIGTERM, then wait (the app shuts down gracefully and stops its PostgreSQL); SIGKILL after `timeoutMs`. */
export async function stopProcess(started: Started, timeoutMs = 20_000): Promise<void> {
  if (started.child.exitCode !== null) return;
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), timeoutMs);
  await started.exited;
  clearTimeout(timer);
}

export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Polls `url` until it answers 200; returns ms since `since`. Throws when the process dies or time runs out. */
export async function waitFor200(
  url: string,
  started: Started,
  since: number,
  timeoutMs = 120_000,
): Promise<number> {
  for (;;) {
    if (started.child.exitCode !== null)
      throw new Error(
        `the process exited (${started.child.exitCode}) before ${url} answered:\n${tail(started.logFile)}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s:\n${tail(started.logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Samples a process's resident memory (VmRSS) from /proc every `everyMs`, tagged with the current phase. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  private phase = 'startup';
  readonly maxByPhase = new Map<string, number>();
  max = 0;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 500,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  setPhase(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  /** Peak RSS in MB while `phase` ran. */
  peakMb(phase: string): number | null {
    const kb = this.maxByPhase.get(phase);
    return kb === undefined ? null : Math.round(kb / 102.4) / 10;
  }

  get maxMb(): number {
    return Math.round(this.max / 102.4) / 10;
  }

  private sample(): void {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return; // the process has ended
    }
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    this.max = Math.max(this.max, kb);
    this.maxByPhase.set(this.phase, Math.max(this.maxByPhase.get(this.phase) ?? 0, kb));
  }
}

const CLOCK_TICKS_PER_SECOND =
  Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function statOf(pid: number): { ppid: number; ticks: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    // utime, stime, cutime, cstime (fields 14–17 of the whole line).
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { ppid, ticks };
  } catch {
    return null;
  }
}

/** A PostgreSQL backend serving a client ("postgres: user db 127.0.0.1(port) state"), not a background worker. */
function isClientBackend(pid: number): boolean {
  try {
    return /^postgres: \S+ \S+ (\[local\]|[\d.:a-f]+\(\d+\))/.test(
      fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
    );
  } catch {
    return false;
  }
}

/**
 * CPU time (ms) used so far by a process, by the PostgreSQL backends serving its queries (the
 * embedded database's client connections), and by its other descendants (postmaster, autovacuum,
 * checkpointer…, which run on their own schedule and are not charged to requests).
 */
export function cpuMs(pid: number): { self: number; backends: number; background: number } {
  const own = statOf(pid);
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (!stat) continue;
    ticks.set(Number(entry), stat.ticks);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  let backends = 0;
  let background = 0;
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const child = stack.pop()!;
    if (isClientBackend(child)) backends += ticks.get(child) ?? 0;
    else background += ticks.get(child) ?? 0;
    stack.push(...(children.get(child) ?? []));
  }
  const toMs = (t: number) => (t * 1000) / CLOCK_TICKS_PER_SECOND;
  return { self: toMs(own?.ticks ?? 0), backends: toMs(backends), background: toMs(background) };
}

export function nodeVersion(node: string): string {
  return spawnSync(node, ['-v'], { encoding: 'utf8' }).stdout.trim();
}

/** Runs a command to completion with inherited output; returns its exit code. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const result = spawnSync(command, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  return result.status ?? 1;
}
