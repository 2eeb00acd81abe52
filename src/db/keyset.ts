import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Keyset paging on (sort value, id): a list continues after the last row shown, carried in links as
 * an opaque URL-safe token (base64url of the JSON pair), so later pages never count past rows.
 */

/** Where a list sorted by start time then id continues: after this row. */
export interface StartPosition {
  startsAt: Date;
  id: string;
}

/** The token for "after the row with this sort value and id". */
export function encodeKeyset(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** The pair in a token; null for anything unreadable or forged, so the list starts over. */
export function decodeKeyset(token: string | undefined): { value: string; id: string } | null {
  const [rawValue, rawId] = positionParts(token) ?? [];
  const value = positionText(rawValue);
  const id = positionId(rawId);
  return value !== null && id !== null ? { value, id } : null;
}

/** A start-time position from a "later" link; anything unreadable or forged is null (start from the soonest). */
export function decodeStartPosition(token: string | undefined): StartPosition | null {
  const [rawTime, rawId] = positionParts(token) ?? [];
  const startsAt = positionTime(rawTime);
  const id = positionId(rawId);
  return startsAt && id ? { startsAt, id } : null;
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

/**
 * Sorts `query` by `<alias>.starts_at, <alias>.id` ascending, keeping only rows after `after` when
 * given: the query shape of every soonest-first list that pages by keyset.
 */
export function soonestAfter<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  after: StartPosition | null,
): SelectQueryBuilder<T> {
  if (after)
    query.andWhere(`(${alias}.starts_at, ${alias}.id) > (:afterStart, :afterId)`, {
      afterStart: after.startsAt,
      afterId: after.id,
    });
  return query.orderBy(`${alias}.starts_at`, 'ASC').addOrderBy(`${alias}.id`, 'ASC');
}

/**
 * Rows read as `limit + 1`: the first `limit` of them, and the token after the last one shown when
 * at least one more row was read (null on the last page).
 */
export function keysetPage<T>(
  rows: T[],
  limit: number,
  positionOf: (row: T) => [value: string, id: string],
): { page: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? encodeKeyset(...positionOf(page[page.length - 1])) : null };
}

/** The keyset pair of a start-time list's row. */
export const startPositionOf = (row: StartPosition): [string, string] => [row.startsAt.toISOString(), row.id];
