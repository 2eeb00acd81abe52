import { createHash, randomBytes } from 'node:crypto';

/** A fresh random salt for one credential, so its identity hash cannot be matched across credentials. */
export function createIdentitySalt(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The Open Badges identityHash of an email address: "sha256$" + hex sha256(email + salt).
 * The address is trimmed and lower-cased first, so a holder proving ownership later need not
 * remember how they capitalised it; anyone checking a hash must do the same.
 */
export function hashEmailIdentity(email: string, salt: string): string {
  const normalised = email.trim().toLowerCase();
  return `sha256$${createHash('sha256')
    .update(normalised + salt, 'utf8')
    .digest('hex')}`;
}
