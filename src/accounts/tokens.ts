import crypto from 'node:crypto';

/** A URL-safe random token with 256 bits of entropy, and the hash we store instead of it. */
export function newToken(): { token: string; tokenHash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function hoursFromNow(hours: number, now = new Date()): Date {
  return new Date(now.getTime() + hours * 3_600_000);
}
