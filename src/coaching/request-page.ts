import type { EntityManager } from 'typeorm';
import type { PagePosition } from './coach-ranking';
import { positionId, positionParts, positionTime } from '../db/keyset';

/** Open coach requests shown per page. */
export const REQUESTS_PAGE_SIZE = 50;

export interface OpenRequest {
  organizerId: string;
  name: string;
  message: string;
  createdAt: Date;
}

export interface RequestPage {
  requests: OpenRequest[];
  next: string | null;
  previous: string | null;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** [asked at to the microsecond, request id], or null when missing or unreadable (first page). */
function decode(token: string | undefined): [string, string] | null {
  const [at, rawId] = positionParts(token, 200) ?? [];
  const id = positionId(rawId);
  // The time goes to PostgreSQL as written (to the microsecond), so it must also be a real instant.
  return typeof at === 'string' && AT.test(at) && positionTime(at) && id ? [at, id] : null;
}

const encode = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

/** One page of open requests (oldest first) for a chapter scope (null: everyone), by keyset. */
export async function requestPage(
  manager: EntityManager,
  scope: string | null,
  position: PagePosition,
): Promise<RequestPage> {
  const before = decode(position.before);
  const after = before ? null : decode(position.after);
  const from = before ?? after;
  const rows = await manager.query<
    { id: string; organizer_id: string; name: string; message: string; created_at: Date; at: string }[]
  >(
    `SELECT r.id, r.organizer_id, u.display_name AS name, r.message, r.created_at,
            to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM coach_requests r JOIN users u ON u.id = r.organizer_id
      WHERE r.resolved_at IS NULL AND ($1::uuid IS NULL OR u.chapter_id = $1)
        ${from ? `AND (r.created_at, r.id) ${before ? '<' : '>'} ($2::timestamptz, $3::uuid)` : ''}
      ORDER BY r.created_at ${before ? 'DESC' : 'ASC'}, r.id ${before ? 'DESC' : 'ASC'}
      LIMIT ${REQUESTS_PAGE_SIZE + 1}`,
    [scope, ...(from ?? [])],
  );
  const more = rows.length > REQUESTS_PAGE_SIZE;
  const page = rows.slice(0, REQUESTS_PAGE_SIZE);
  if (before) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  return {
    requests: page.map((r) => ({
      organizerId: r.organizer_id,
      name: r.name,
      message: r.message,
      createdAt: r.created_at,
    })),
    next: last && (before || more) ? encode(last.at, last.id) : null,
    previous: first && (before ? more : after !== null) ? encode(first.at, first.id) : null,
  };
}
