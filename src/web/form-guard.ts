import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailed } from './errors';

/** A person needs at least this long to fill a form; bots post at once. */
export const MIN_FILL_MS = 3_000;
/** A form older than this is sent again with a fresh stamp (the page may have sat in a tab for days). */
export const MAX_FORM_AGE_MS = 24 * 3_600_000;
/** The honeypot: a field people never see (hidden and labelled "leave empty"); bots fill it. */
export const HONEYPOT_FIELD = 'website';

/**
 * What protects a public form without third-party services: a signed stamp of when the form was
 * served (the server's clock, never the browser's, decides how long the person took; a forged stamp
 * fails the signature) and a honeypot field. `purpose` separates forms: one form's stamp is no good
 * on another.
 */
export class FormGuard {
  constructor(
    private readonly secret: string,
    private readonly purpose: string,
  ) {}

  private digest(ms: number): string {
    return createHmac('sha256', this.secret).update(`${this.purpose}:${ms}`).digest('base64url');
  }

  /** The stamp a form carries: when it was served, and its signature. */
  sign(ms = Date.now()): string {
    return `${ms}.${this.digest(ms)}`;
  }

  /** Throws ValidationFailed (a message a person can act on) unless the stamp is ours and old enough. */
  check(stamp: unknown, now = Date.now()): void {
    const [msText, signature] = typeof stamp === 'string' ? stamp.split('.') : [];
    const ms = Number(msText);
    const expected = Number.isSafeInteger(ms) ? Buffer.from(this.digest(ms)) : Buffer.alloc(0);
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
}

/** True when the honeypot field came back filled in: a bot, to be answered like a success. */
export function caughtByHoneypot(body: unknown): boolean {
  const value = (body as Record<string, unknown> | undefined)?.[HONEYPOT_FIELD];
  return typeof value === 'string' && value.trim() !== '';
}
