import type { EntityManager } from 'typeorm';

/** Coaches shown per page of the ranking. */
export const COACH_PAGE_SIZE = 20;

export interface CoachOption {
  id: string;
  displayName: string;
  chapterName: string | null;
  sameChapter: boolean;
  active: number;
  capacity: number;
  remaining: number;
  reviewsWaiting: number;
  explanation: string;
}

/** Where a page starts: after (next) or before (previous) a position of the ranking. */
export interface PagePosition {
  after?: string;
  before?: string;
}

export interface CoachPage {
  coaches: CoachOption[];
  /** Position for the next page (`after`), when there is one. */
  next: string | null;
  /** Position for the previous page (`before`), when there is one. */
  previous: string | null;
}

/** A ranking position: [other chapter, active − capacity, waiting, name, id], ascending. */
type Key = [boolean, number, number, string, string];

export function encodeKey(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A position from a link, or null when it is missing or unreadable (the first page then). */
export function decodeKey(token: string | undefined): Key | null {
  if (!token || token.length > 1000) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 5 &&
      typeof v[0] === 'boolean' &&
      Number.isInteger(v[1]) &&
      Number.isInteger(v[2]) &&
      typeof v[3] === 'string' &&
      typeof v[4] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v[4])
    )
      return v as Key;
  } catch {
    // fall through: an unreadable position starts from the first page
  }
  return null;
}

interface Row {
  id: string;
  display_name: string;
  chapter_name: string | null;
  other_chapter: boolean;
  active: number;
  capacity: number;
  waiting: number;
}

const ORDER = [
  '(l.chapter_id = $1) IS NOT TRUE',
  'l.active - l.capacity',
  'l.waiting',
  'l.display_name',
  'l.coach_id',
];

/**
 * One page of active coaches for an organizer in ranking order (same chapter, then most places
 * free, then fewest reviews waiting, then name), read by keyset from the kept coach loads: the
 * cost is a page, however many coaches there are, and pages stay stable while coaches are added.
 */
export async function coachPage(
  manager: EntityManager,
  organizer: { id: string; chapterId: string | null },
  position: PagePosition,
): Promise<CoachPage> {
  const before = decodeKey(position.before);
  const after = before ? null : decodeKey(position.after);
  const from = before ?? after;
  const direction = before ? 'DESC' : 'ASC';
  const rows = await manager.query<Row[]>(
    `SELECT l.coach_id AS id, l.display_name, c.name AS chapter_name, l.capacity, l.active, l.waiting,
            ${ORDER[0]} AS other_chapter
       FROM coach_loads l LEFT JOIN chapters c ON c.id = l.chapter_id
      WHERE l.coach_id <> $2
        ${from ? `AND (${ORDER.join(', ')}) ${before ? '<' : '>'} ($3::boolean, $4::int, $5::int, $6::text, $7::uuid)` : ''}
      ORDER BY ${ORDER.map((o) => `${o} ${direction}`).join(', ')}
      LIMIT ${COACH_PAGE_SIZE + 1}`,
    [organizer.chapterId, organizer.id, ...(from ?? [])],
  );
  const more = rows.length > COACH_PAGE_SIZE;
  const page = rows.slice(0, COACH_PAGE_SIZE);
  if (before) page.reverse();
  const key = (r: Row): string =>
    encodeKey([r.other_chapter, r.active - r.capacity, r.waiting, r.display_name, r.id]);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    coaches: page.map(toOption),
    next: last && (before || more) ? key(last) : null,
    previous: first && (before ? more : after !== null) ? key(first) : null,
  };
}

function toOption(row: Row): CoachOption {
  const remaining = row.capacity - row.active;
  const parts = [
    row.other_chapter ? 'other chapter' : 'same chapter',
    remaining > 0 ? `${remaining} of ${row.capacity} places free` : `full (${row.active} of ${row.capacity})`,
    `${row.waiting} ${row.waiting === 1 ? 'review' : 'reviews'} waiting`,
  ];
  return {
    id: row.id,
    displayName: row.display_name,
    chapterName: row.chapter_name,
    sameChapter: !row.other_chapter,
    active: row.active,
    capacity: row.capacity,
    remaining,
    reviewsWaiting: row.waiting,
    explanation: parts.join(' · '),
  };
}
