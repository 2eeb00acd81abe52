import fs from 'node:fs';
import path from 'node:path';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { dataFilesDir } from '../paths';
import { RequestAbandoned } from '../web/errors';

/** OWASP ASVS 5.0 Appendix C minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
const ARGON2ID = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
/** Long passphrases are welcome; the cap only stops absurd inputs, and nothing is ever truncated. */
export const PASSWORD_MAX_LENGTH = 256;

let commonPasswords: Set<string> | undefined;

/** The 10,000 most common passwords (data/common-passwords.txt), loaded once. */
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    fs
      .readFileSync(path.join(dataFilesDir, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return commonPasswords.has(password.toLowerCase());
}

/** Why `password` is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommonPassword(password)) return 'That password is one of the most common ones; choose another.';
  if (context.email && password.toLowerCase() === context.email.toLowerCase()) {
    return 'Do not use your email address as your password.';
  }
  return undefined;
}

/**
 * Argon2id needs 19 MiB per hash for as long as it runs. Hashes beyond `slots` wait their turn, so
 * a burst of sign-ins costs time rather than memory (PASSWORD_HASH_CONCURRENCY, default 1: about
 * 50 hashes a second on one core, plenty for a chapter's programme).
 */
let slots = 1;
let running = 0;
const waiting: (() => void)[] = [];

export function setPasswordHashConcurrency(concurrency: number): void {
  slots = Math.max(1, Math.floor(concurrency));
  while (running < slots && waiting.length) {
    running += 1;
    waiting.shift()!();
  }
}

/** Hashes running at once and waiting (tests, diagnostics, graceful shutdown). */
export function passwordHashLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

function releaseSlot(): void {
  // Hand the slot straight to the next in line, or give it back.
  const next = waiting.shift();
  if (next) next();
  else running -= 1;
}

/**
 * Runs `work` in a hash slot. A caller whose `signal` aborts while it waits (the person gave up and
 * closed the connection) leaves the queue without hashing: under a burst of sign-ins the CPU goes to
 * people still waiting for an answer.
 */
async function inHashSlot<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal?.aborted) throw new RequestAbandoned();
  if (running < slots) running += 1;
  else {
    await new Promise<void>((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const at = waiting.indexOf(take);
        if (at !== -1) waiting.splice(at, 1);
        reject(new RequestAbandoned());
      };
      waiting.push(take);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }
  try {
    return await work();
  } finally {
    releaseSlot();
  }
}

export function hashPassword(password: string, signal?: AbortSignal): Promise<string> {
  return inHashSlot(() => hash(password, ARGON2ID), signal);
}

/** False for a wrong password or an unreadable hash; rejects with RequestAbandoned if `signal` aborts first. */
export function verifyPassword(
  passwordHash: string,
  password: string,
  signal?: AbortSignal,
): Promise<boolean> {
  return inHashSlot(() => verify(passwordHash, password).catch(() => false), signal);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check so response times do not reveal which accounts exist. */
export async function verifyAgainstDummy(password: string, signal?: AbortSignal): Promise<void> {
  dummyHash ??= hashPassword('organizer-academy-timing-equaliser');
  await verifyPassword(await dummyHash, password, signal);
}
