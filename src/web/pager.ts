import { z } from 'zod';

/** `after` / `before` from a pager link; anything else (or an over-long value) is ignored. */
export const pagePosition = z
  .object({
    after: z.string().max(1000).optional().catch(undefined),
    before: z.string().max(1000).optional().catch(undefined),
  })
  .transform(({ after, before }) => ({
    ...(after && !before && { after }),
    ...(before && { before }),
  }));

export interface PagerLinks {
  first: string | null;
  previous: string | null;
  next: string | null;
}

/**
 * Links for a short keyset pager (first, previous, next) that work without JavaScript; null where
 * there is no such page.
 */
export function pagerLinks(
  path: string,
  page: { next: string | null; previous: string | null },
  position: { after?: string; before?: string },
): PagerLinks | null {
  const link = (params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;
  const links = {
    first: page.previous || position.after || position.before ? path : null,
    previous: page.previous ? link({ before: page.previous }) : null,
    next: page.next ? link({ after: page.next }) : null,
  };
  return links.first || links.next ? links : null;
}

/*
 * Readers for the parts of a keyset position token. A token comes back in a URL, so anyone can forge
 * one: each reader returns null unless the value is one PostgreSQL compares without an error (no NUL
 * in text, integers within `integer`, times in years 1 to 9999 written as toISOString writes them,
 * ids shaped as uuids), and the page then starts from the top instead of answering 500.
 */

const POSITION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const POSITION_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const INT4_MAX = 2_147_483_647;

/** The JSON array a base64url position token holds, or null (missing, over `maxLength`, not an array). */
export function positionParts(token: string | undefined, maxLength = 1000): unknown[] | null {
  if (!token || token.length > maxLength) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** A row id from a position, or null unless it is a lower-case uuid. */
export function positionId(value: unknown): string | null {
  return typeof value === 'string' && POSITION_ID.test(value) ? value : null;
}

/** Text from a position (a name), or null when it holds NUL (which PostgreSQL text cannot) or is too long. */
export function positionText(value: unknown, maxLength = 500): string | null {
  return typeof value === 'string' && value.length <= maxLength && !value.includes('\u0000') ? value : null;
}

/** An integer from a position, or null unless it fits PostgreSQL's `integer`. */
export function positionInt(value: unknown): number | null {
  return Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX ? (value as number) : null;
}

/**
 * A time from a position, or null unless it is an ISO instant (up to microseconds) in years 1 to
 * 9999 that names a real day and time (no February 31: Date would roll it over, PostgreSQL refuses it).
 */
export function positionTime(value: unknown): Date | null {
  const match = typeof value === 'string' ? POSITION_TIME.exec(value) : null;
  if (!match || match[1] === '0000') return null;
  const at = new Date(value as string);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === (value as string).slice(0, 19)
    ? at
    : null;
}
