import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequests } from './errors';
import { addressKey } from './address-key';

export interface AddressLimits {
  /** Tells this limit's counters apart from others. */
  name: string;
  /** Requests per address per minute. */
  perMinute: number;
  /** Requests of one address being answered at once; more are refused at once. */
  inFlight: number;
}

/**
 * A per-address limit for anonymous endpoints that cost work (search, certificate pages, the
 * verifier). Each request consumes its point before any work (rate-limiter-flexible's atomic
 * in-memory consume), and at most `inFlight` requests of one address are answered at once. Kept in
 * each process's memory: cheap enough for every request; with N processes an address gets N times
 * the rate, which these limits allow for (attempt limits that guard secrets live in PostgreSQL).
 */
export function addressLimit(limits: AddressLimits): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: limits.name, points: limits.perMinute, duration: 60 });
  const running = new Map<string, number>();
  return async (req, res, next) => {
    const key = addressKey(req.ip);
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.ceil(error.msBeforeNext / 1000);
      throw new TooManyRequests(
        `Too many requests from your address. Please wait ${seconds} seconds.`,
        seconds,
      );
    }
    const now = running.get(key) ?? 0;
    if (now >= limits.inFlight)
      throw new TooManyRequests('Your other requests are still being answered. Please wait a moment.', 1);
    running.set(key, now + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (running.get(key) ?? 1) - 1;
      if (left <= 0) running.delete(key);
      else running.set(key, left);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
