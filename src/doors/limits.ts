import type { Pool } from 'pg';
import { AttemptLimiter } from '../web/attempt-limiter';

/** Sends of one public form per email address per day, and per network address per hour. */
export const DOOR_LIMITS = { perAddressPerDay: 3, perIpPerHour: 20 } as const;

/**
 * The per-address and per-IP limits of one public form, counted in PostgreSQL (across every app
 * process). Both points are consumed atomically BEFORE the request is stored or any email queued,
 * so a burst of concurrent sends can never store more than the limits allow.
 */
export class DoorLimits {
  private readonly byAddress: AttemptLimiter;
  private readonly byIp: AttemptLimiter;

  constructor(pool: Pool, form: 'join' | 'partner') {
    this.byIp = new AttemptLimiter(pool, {
      prefix: `${form}_form_ip`,
      attempts: DOOR_LIMITS.perIpPerHour,
      windowSeconds: 3600,
      blockSeconds: 3600,
      message: 'Too many requests were sent from your network. Please wait {wait} and try again.',
    });
    this.byAddress = new AttemptLimiter(pool, {
      prefix: `${form}_form_address`,
      attempts: DOOR_LIMITS.perAddressPerDay,
      windowSeconds: 24 * 3600,
      blockSeconds: 24 * 3600,
      message:
        'We already have several requests from this email address today. Please follow the link in the email we sent, or wait {wait}.',
    });
  }

  /** Counts one send for the network address and the email address; throws TooManyRequests over either. */
  async consume(ip: string, email: string): Promise<void> {
    await this.byIp.consume(ip);
    await this.byAddress.consume(email.toLowerCase());
  }
}
