import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Group and others may not read, write or run a secret file. */
const LOOSE_BITS = 0o077;

/**
 * Makes sure an existing secret file is private: mode 600 (owner only). Returns true when it had to
 * tighten it, so the caller can say so.
 */
export function tightenSecretFile(file: string): boolean {
  const { mode } = fs.statSync(file);
  if ((mode & LOOSE_BITS) === 0) return false;
  fs.chmodSync(file, 0o600);
  return true;
}

/**
 * Reads a secret kept in the data dir (`name`), creating it (32 random bytes, mode 600) on first use;
 * an existing file readable by others is tightened to 600 before it is read.
 */
export function secretFromDataDir(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) {
    tightenSecretFile(file);
    return fs.readFileSync(file, 'utf8').trim();
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
