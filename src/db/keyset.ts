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

const ID = /^[0-9a-f-]{36}$/;

/** The token for "after the row with this sort value and id". */
export function encodeKeyset(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** The pair in a token; null for anything unreadable or without an id, so the list starts over. */
export function decodeKeyset(token: string | undefined): { value: string; id: string } | null {
  if (!token) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      ID.test(value[1])
    )
      return { value: value[0], id: value[1] };
  } catch {
    // An unreadable position starts from the first row.
  }
  return null;
}

/** A start-time position from a "later" link; anything unreadable is null (start from the soonest). */
export function decodeStartPosition(token: string | undefined): StartPosition | null {
  const pair = decodeKeyset(token);
  if (!pair) return null;
  const startsAt = new Date(pair.value);
  return Number.isNaN(startsAt.getTime()) ? null : { startsAt, id: pair.id };
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
