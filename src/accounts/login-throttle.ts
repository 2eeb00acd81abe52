import type { Pool } from 'pg';
import { AttemptLimiter, type Attempt } from '../web/attempt-limiter';

export interface ThrottleLimits {
  /** Attempts allowed for one account from one address before it is blocked (a success starts over). */
  perAccountAndIp: number;
  /** Failed attempts allowed from one address across all accounts. */
  perIp: number;
  windowSeconds: number;
  blockSeconds: number;
  /** Password reset requests per address per hour (more get 429). Default 20. */
  resetsPerIp?: number;
  /** Password reset emails per account per hour (more are dropped without a word). Default 3. */
  resetsPerAccount?: number;
  /** Current-password checks per person (changing a password) per window. Default 5. */
  passwordChecks?: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perAccountAndIp: 5,
  perIp: 50,
  windowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
};

const BLOCKED = 'Too many failed sign-in attempts. Please wait {wait} and try again, or reset your password.';

/**
 * Counts sign-in attempts in PostgreSQL (table login_throttle), so the limits hold across every app
 * process sharing the database. Each attempt consumes its points before the password is checked
 * (never check-then-record), and at most two attempts per account and address run at once, so a
 * burst of guesses checks no more passwords than the limit. The same answer is given whether or
 * not the account exists.
 */
export class LoginThrottle {
  private readonly byAccountAndIp: AttemptLimiter;
  private readonly byIp: AttemptLimiter;
  /** Password reset requests from one address (answered 429 over the limit). */
  readonly resetRequestsByIp: AttemptLimiter;
  /** Password reset emails to one address (silently skipped over the limit: the answer is the same). */
  readonly resetRequestsByAccount: AttemptLimiter;
  /** Checks of the current password when changing it, per person. */
  readonly passwordChecks: AttemptLimiter;

  constructor(pool: Pool, limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    const common = {
      windowSeconds: limits.windowSeconds,
      blockSeconds: limits.blockSeconds,
      message: BLOCKED,
    };
    this.byAccountAndIp = new AttemptLimiter(pool, {
      ...common,
      prefix: 'login_account_ip',
      attempts: limits.perAccountAndIp,
      inFlight: 2,
    });
    this.byIp = new AttemptLimiter(pool, { ...common, prefix: 'login_ip', attempts: limits.perIp });
    const hourly = { windowSeconds: 3600, blockSeconds: 3600 };
    this.resetRequestsByIp = new AttemptLimiter(pool, {
      ...hourly,
      prefix: 'reset_ip',
      attempts: limits.resetsPerIp ?? 20,
      inFlight: 5,
      message: 'Too many password reset requests from your address. Please wait {wait} and try again.',
    });
    this.resetRequestsByAccount = new AttemptLimiter(pool, {
      ...hourly,
      prefix: 'reset_account',
      attempts: limits.resetsPerAccount ?? 3,
      message: 'Too many password reset requests for this account.',
    });
    this.passwordChecks = new AttemptLimiter(pool, {
      windowSeconds: limits.windowSeconds,
      blockSeconds: limits.blockSeconds,
      prefix: 'password_check',
      attempts: limits.passwordChecks ?? 5,
      inFlight: 1,
      message: 'Too many wrong current passwords. Please wait {wait}, or sign out and reset your password.',
    });
  }

  private static accountKey(email: string, ip: string): string {
    return `${email.toLowerCase()}_${ip}`;
  }

  /**
   * Consumes one attempt for the account+address and one for the address, before any password is
   * checked. Throws TooManyRequests (with a retry time) when either is over its limit.
   */
  async begin(email: string, ip: string): Promise<SignInAttempt> {
    const key = LoginThrottle.accountKey(email, ip);
    const account = await this.byAccountAndIp.take(key);
    let address: Attempt;
    try {
      address = await this.byIp.take(ip);
    } catch (error) {
      await account.release();
      throw error;
    }
    return {
      release: () => account.release(),
      /** A right password: the account's count starts over and the address gets its point back. */
      succeeded: async () => {
        await address.refund();
        await account.succeeded();
      },
    };
  }
}

export interface SignInAttempt {
  release(): Promise<void>;
  succeeded(): Promise<void>;
}
