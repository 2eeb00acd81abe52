import fs from 'node:fs';
import path from 'node:path';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
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

/** zxcvbn's scores run 0-4; 3 means "safely unguessable: moderate protection from offline attacks". */
export const PASSWORD_MIN_SCORE = 3;

const STRENGTH_CHECKED_LENGTH = 64;

const PASSPHRASE_ADVICE =
  'Try a passphrase: four or more unrelated words you can remember, like a short odd sentence.';

let estimator: ZxcvbnFactory | undefined;
let academyName = 'Organizer Academy';

/** The academy's name (ISSUER_NAME) counts as a guessable word in passwords. */
export function setAcademyName(name: string): void {
  academyName = name;
}

/** Words an attacker who knows the person would try first: their name, email and the academy's name. */
function contextWords({ email, name }: PasswordContext): string[] {
  const words = [academyName, ...[name, email?.split('@')[0]].filter((w): w is string => Boolean(w))];
  if (email) words.push(email);
  return [...new Set(words.flatMap((w) => [w, w.replace(/[\s._-]+/g, ''), ...w.split(/[\s._-]+/)]))].filter(
    (w) => w.length >= 3,
  );
}

export interface PasswordContext {
  email?: string;
  name?: string;
}

/**
 * How guessable a password is, by zxcvbn-ts with its common and English dictionaries (ASVS 5.0 §6.2):
 * a maintained estimator instead of rules like "one digit and one symbol", which people satisfy with
 * `Password1!`.
 */
function strength(password: string, context: PasswordContext): { score: number; warning: string | null } {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
    // The estimate runs on the event loop: l33t variants of a long password cost seconds, so fewer
    // substitutions are tried and only the first 64 characters are judged (a lower bound: more
    // characters only add strength).
    l33tMaxSubstitutions: 8,
    maxLength: STRENGTH_CHECKED_LENGTH,
  });
  const result = estimator.check(
    [...password].slice(0, STRENGTH_CHECKED_LENGTH).join(''),
    contextWords(context),
  );
  return { score: result.score, warning: result.feedback.warning };
}

/** Why `password` is not acceptable, or undefined when it is. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommonPassword(password))
    return `That password is one of the most common ones; choose another. ${PASSPHRASE_ADVICE}`;
  if (context.email && password.toLowerCase() === context.email.toLowerCase()) {
    return 'Do not use your email address as your password.';
  }
  const { score, warning } = strength(password, context);
  if (score < PASSWORD_MIN_SCORE) {
    const why = warning ? ` ${warning.replace(/\.?$/, '.')}` : '';
    return `That password would be easy to guess.${why} ${PASSPHRASE_ADVICE}`;
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
