import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailed } from '../web/errors';

/** A person needs at least this long to fill a form; bots post at once. */
export const MIN_FILL_MS = 3_000;
/** A form older than this is sent again with a fresh stamp (the page may have sat in a tab for days). */
export const MAX_FORM_AGE_MS = 24 * 3_600_000;
/** The honeypot: a field people never see (hidden and labelled "leave empty"); bots fill it. */
export const HONEYPOT_FIELD = 'website';

const digest = (secret: string, ms: number) =>
  createHmac('sha256', secret).update(`doors-form-start:${ms}`).digest('base64url');

/**
 * The time the form was served, signed with the server's secret: the server's clock, never the
 * browser's, decides how long the person took, and a forged stamp fails the signature.
 */
export function signFormStart(secret: string, ms = Date.now()): string {
  return `${ms}.${digest(secret, ms)}`;
}

/** Throws ValidationFailed (a message a person can act on) unless the stamp is ours and old enough. */
export function checkFormStart(secret: string, stamp: unknown, now = Date.now()): void {
  const [msText, signature] = typeof stamp === 'string' ? stamp.split('.') : [];
  const ms = Number(msText);
  const expected = Number.isSafeInteger(ms) ? Buffer.from(digest(secret, ms)) : Buffer.alloc(0);
  const given = Buffer.from(signature ?? '');
  if (!expected.length || expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new ValidationFailed(
      {},
      'This form could not be checked (it may have been changed or saved from an old page). Please send it again.',
    );
  if (now - ms > MAX_FORM_AGE_MS)
    throw new ValidationFailed(
      {},
      'This form was open for more than a day. Please check it and send it again.',
    );
  if (now - ms < MIN_FILL_MS)
    throw new ValidationFailed(
      {},
      'That was sent faster than a person can fill the form. Please check your answers and send it again.',
    );
}

/** True when the honeypot field came back filled in: a bot, answered like a success. */
export function caughtByHoneypot(body: unknown): boolean {
  const value = (body as Record<string, unknown> | undefined)?.[HONEYPOT_FIELD];
  return typeof value === 'string' && value.trim() !== '';
}
