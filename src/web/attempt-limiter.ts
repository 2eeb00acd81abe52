import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequests } from './errors';

export interface AttemptLimits {
  /** Distinct counters share the login_throttle table, told apart by this prefix. */
  prefix: string;
  attempts: number;
  windowSeconds: number;
  blockSeconds: number;
  /** What the person is told when blocked; "{wait}" becomes e.g. "3 minutes". */
  message: string;
  /**
   * Attempts for one key that may run at the same time (across processes); more are refused at
   * once, before any work. Unset: no cap beyond `attempts`.
   */
  inFlight?: number;
}

/**
 * Longest key stored as it is. login_throttle.key is varchar(255) and holds "<prefix>_in_flight:<key>":
 * a longer key (a 254-character email address with an IPv6 address, or a forged forwarded address)
 * is stored as its SHA-256 instead, so it counts the same and never overflows the column (a 500).
 */
const MAX_PLAIN_KEY = 200;

/** The key as stored: itself when short, else its SHA-256 (same key, same count). */
function storedKey(key: string): string {
  return key.length <= MAX_PLAIN_KEY ? key : `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

/** How long an in-flight slot lives if its process dies before giving it back. */
const IN_FLIGHT_SECONDS = 120;
const BUSY_MESSAGE = 'Another attempt is still being checked. Please wait a moment and try again.';

/** "1 minute", "15 minutes": a wait rounded up to whole minutes. */
export function minutesText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** One attempt that holds its point (and its in-flight slot, if capped) until released. */
export interface Attempt {
  /** Gives the in-flight slot back (the attempt itself stays counted). Safe to call twice. */
  release(): Promise<void>;
  /** The attempt succeeded: forget the key's count (e.g. a right password), then release. */
  succeeded(): Promise<void>;
  /** The attempt should not count (e.g. it succeeded, and only failures are limited): give its point back, then release. */
  refund(): Promise<void>;
}

/**
 * Counts attempts per key in PostgreSQL, so the limit holds across every app process. Each attempt
 * consumes its point in one atomic statement (rate-limiter-flexible's upsert) BEFORE the work it
 * guards, so a burst of concurrent requests can never do more work than the limit allows.
 */
export class AttemptLimiter {
  private readonly limiter: RateLimiterPostgres;
  private readonly running: RateLimiterPostgres | undefined;

  constructor(
    pool: Pool,
    private readonly limits: AttemptLimits,
  ) {
    const common = {
      storeClient: pool,
      tableName: 'login_throttle',
      tableCreated: true,
      clearExpiredByTimeout: false,
    };
    this.limiter = new RateLimiterPostgres({
      ...common,
      keyPrefix: limits.prefix,
      points: limits.attempts,
      duration: limits.windowSeconds,
      blockDuration: limits.blockSeconds,
    });
    this.running = limits.inFlight
      ? new RateLimiterPostgres({
          ...common,
          keyPrefix: `${limits.prefix}_in_flight`,
          points: limits.inFlight,
          duration: IN_FLIGHT_SECONDS,
        })
      : undefined;
  }

  get attempts(): number {
    return this.limits.attempts;
  }

  private blocked(retryAfterMs: number): TooManyRequests {
    const seconds = Math.ceil(retryAfterMs / 1000);
    return new TooManyRequests(this.limits.message.replace('{wait}', minutesText(seconds)), seconds);
  }

  /**
   * Consumes one attempt, then takes an in-flight slot (if capped), both before the work. Throws
   * TooManyRequests when the key is over its limit or another attempt for it is still running (that
   * refused attempt still counts).
   */
  async take(rawKey: string): Promise<Attempt> {
    const key = storedKey(rawKey);
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw this.blocked(error.msBeforeNext);
      throw error;
    }
    // Counted first: an attempt refused because another one is running still uses up its point.
    const release = await this.enter(key);
    return {
      release,
      succeeded: async () => {
        await this.limiter.delete(key);
        await release();
      },
      refund: async () => {
        await this.limiter.reward(key);
        await release();
      },
    };
  }

  /** Takes the in-flight slot; returns the function that gives it back (once). */
  private async enter(key: string): Promise<() => Promise<void>> {
    const running = this.running;
    if (!running) return () => Promise.resolve();
    try {
      await running.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      await running.reward(key);
      throw new TooManyRequests(BUSY_MESSAGE, 1);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await running.reward(key);
    };
  }

  /** Runs `work` as one attempt: counted before it starts, its slot released however it ends. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const attempt = await this.take(key);
    try {
      return await work();
    } finally {
      await attempt.release();
    }
  }

  /** Counts one attempt (for requests that are the work themselves); throws TooManyRequests over the limit. */
  async consume(key: string): Promise<void> {
    await (await this.take(key)).release();
  }

  /** Forgets a key's count (e.g. after a successful attempt through another path). */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(storedKey(key));
  }
}
