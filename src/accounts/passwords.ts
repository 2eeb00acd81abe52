import fs from 'node:fs';
import path from 'node:path';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { dataFilesDir } from '../paths';

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

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check so response times do not reveal which accounts exist. */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('organizer-academy-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
