import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { minutesText } from '../web/attempt-limiter';
import { TooManyRequests } from '../web/errors';

export interface ThrottleLimits {
  /** Consecutive failures allowed for one account from one address before it is blocked. */
  perAccountAndIp: number;
  /** Failures allowed from one address across all accounts. */
  perIp: number;
  windowSeconds: number;
  blockSeconds: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perAccountAndIp: 5,
  perIp: 50,
  windowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
};

/**
 * Counts failed sign-ins in PostgreSQL (table login_throttle), so the limits hold across every app
 * process sharing the database. The same answer is given whether or not the account exists.
 */
export class LoginThrottle {
  private readonly byAccountAndIp: RateLimiterPostgres;
  private readonly byIp: RateLimiterPostgres;

  constructor(pool: Pool, limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    const common = {
      storeClient: pool,
      tableName: 'login_throttle',
      tableCreated: true,
      clearExpiredByTimeout: false,
      duration: limits.windowSeconds,
      blockDuration: limits.blockSeconds,
    };
    this.byAccountAndIp = new RateLimiterPostgres({
      ...common,
      keyPrefix: 'login_account_ip',
      points: limits.perAccountAndIp,
    });
    this.byIp = new RateLimiterPostgres({ ...common, keyPrefix: 'login_ip', points: limits.perIp });
  }

  private static accountKey(email: string, ip: string): string {
    return `${email.toLowerCase()}_${ip}`;
  }

  /** Throws TooManyRequests (with a retry time) while either counter is over its limit. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.byAccountAndIp.get(LoginThrottle.accountKey(email, ip)),
      this.byIp.get(ip),
    ]);
    const blocked = [
      { state: account, limit: this.byAccountAndIp.points },
      { state: address, limit: this.byIp.points },
    ].filter(({ state, limit }) => state !== null && state.consumedPoints >= limit);
    if (blocked.length === 0) return;
    const retryAfter = Math.ceil(Math.max(...blocked.map(({ state }) => state!.msBeforeNext)) / 1000);
    throw new TooManyRequests(
      `Too many failed sign-in attempts. Please wait ${minutesText(retryAfter)} and try again, or reset your password.`,
      retryAfter,
    );
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.byAccountAndIp.consume(LoginThrottle.accountKey(email, ip)).catch(ignoreLimitReached),
      this.byIp.consume(ip).catch(ignoreLimitReached),
    ]);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.byAccountAndIp.delete(LoginThrottle.accountKey(email, ip));
  }
}

function ignoreLimitReached(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}
