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
}

/** "1 minute", "15 minutes": a wait rounded up to whole minutes. */
export function minutesText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Counts attempts per key in PostgreSQL, so the limit holds across every app process. */
export class AttemptLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    pool: Pool,
    private readonly limits: AttemptLimits,
  ) {
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      tableName: 'login_throttle',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: limits.prefix,
      points: limits.attempts,
      duration: limits.windowSeconds,
      blockDuration: limits.blockSeconds,
    });
  }

  private blocked(retryAfterMs: number): TooManyRequests {
    const seconds = Math.ceil(retryAfterMs / 1000);
    return new TooManyRequests(this.limits.message.replace('{wait}', minutesText(seconds)), seconds);
  }

  /** Throws TooManyRequests while the key is over its limit (failures counted by recordFailure). */
  async assertAllowed(key: string): Promise<void> {
    const state = await this.limiter.get(key);
    if (state && state.consumedPoints >= this.limits.attempts) throw this.blocked(state.msBeforeNext);
  }

  async recordFailure(key: string): Promise<void> {
    await this.limiter.consume(key).catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }

  /** Counts every request (for public endpoints); throws TooManyRequests over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw this.blocked(error.msBeforeNext);
      throw error;
    }
  }
}
