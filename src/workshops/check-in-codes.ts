import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AttemptLimiter, AttemptLimits } from '../web/attempt-limiter';
import { ValidationFailed } from '../web/errors';

/** A code is shown for this long; the previous one is still accepted so nobody races the clock. */
export const CHECK_IN_WINDOW_MS = 5 * 60_000;
/** Check-in opens this long before the start and closes at the end. */
export const CHECK_IN_OPENS_BEFORE_MS = 15 * 60_000;

const DIGITS = 6;

function windowOf(at: Date): number {
  return Math.floor(at.getTime() / CHECK_IN_WINDOW_MS);
}

function codeFor(secret: string, workshopId: string, window: number): string {
  const digest = createHmac('sha256', secret).update(`${workshopId}:${window}`).digest();
  return String(digest.readUInt32BE(0) % 10 ** DIGITS).padStart(DIGITS, '0');
}

export interface ShownCode {
  code: string;
  /** When this code stops being shown (it is accepted for one more window). */
  changesAt: Date;
}

/** The code a facilitator shows at `at`: HMAC of the workshop's secret and the current time window. */
export function currentCheckInCode(secret: string, workshopId: string, at = new Date()): ShownCode {
  const window = windowOf(at);
  return {
    code: codeFor(secret, workshopId, window),
    changesAt: new Date((window + 1) * CHECK_IN_WINDOW_MS),
  };
}

/** True when `entered` is the current or the previous window's code (spaces and dashes ignored). */
export function isValidCheckInCode(
  secret: string,
  workshopId: string,
  entered: string,
  at = new Date(),
): boolean {
  const cleaned = Buffer.from(entered.replace(/[\s-]/g, ''));
  const window = windowOf(at);
  return [window, window - 1].some((w) => {
    const expected = Buffer.from(codeFor(secret, workshopId, w));
    return expected.length === cleaned.length && timingSafeEqual(expected, cleaned);
  });
}

export function checkInIsOpen(
  workshop: { startsAt: Date; endsAt: Date; cancelledAt: Date | null },
  at = new Date(),
): boolean {
  return (
    !workshop.cancelledAt &&
    at.getTime() >= workshop.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS &&
    at.getTime() < workshop.endsAt.getTime()
  );
}

/**
 * How many wrong codes one person may enter for one event (workshop or gathering), across every app
 * process: 5 in 10 minutes, at most 2 checked at once. Each feature keeps its own counter (prefix).
 */
export const CHECK_IN_ATTEMPTS: Omit<AttemptLimits, 'prefix' | 'message'> = {
  attempts: 5,
  inFlight: 2,
  windowSeconds: 10 * 60,
  blockSeconds: 10 * 60,
};

/**
 * Counts the attempt for `personId` at `eventId` before comparing (so a burst tests no more codes
 * than the limit), then compares `entered` with the event's current code. Throws TooManyRequests
 * when the person is blocked, ValidationFailed when the code is not the current one. Call it
 * outside a transaction: the limiter takes its own pooled connections.
 */
export async function verifyCheckInCode(
  throttle: AttemptLimiter,
  event: { id: string; checkInSecret: string },
  personId: string,
  entered: string,
): Promise<void> {
  const attempt = await throttle.take(`${personId}_${event.id}`);
  try {
    if (!isValidCheckInCode(event.checkInSecret, event.id, entered)) {
      throw new ValidationFailed({
        code: 'That code is not the current one. Check the code shown in the room.',
      });
    }
  } finally {
    await attempt.release();
  }
}
