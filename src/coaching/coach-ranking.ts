import type { EntityManager } from 'typeorm';
import { positionId, positionInt, positionParts, positionText } from '../db/keyset';

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
  const v = positionParts(token);
  if (!v || v.length !== 5 || typeof v[0] !== 'boolean') return null;
  const [load, waiting, name, id] = [
    positionInt(v[1]),
    positionInt(v[2]),
    positionText(v[3]),
    positionId(v[4]),
  ];
  return load !== null && waiting !== null && name !== null && id !== null
    ? [v[0], load, waiting, name, id]
    : null;
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

/** The order within each half of the ranking (same chapter, other chapters); both are indexed. */
const ORDER = ['l.active - l.capacity', 'l.waiting', 'l.display_name', 'l.coach_id'];

/**
 * One half of the ranking read by index: coaches of the organizer's chapter (`$1`) or of any
 * other, from a position when given (`$3`..`$6`), at most a page and one.
 */
function half(sameChapter: boolean, from: boolean, direction: 'ASC' | 'DESC'): string {
  return `(SELECT l.coach_id, l.chapter_id, l.display_name, l.capacity, l.active, l.waiting,
                  ${!sameChapter} AS other_chapter
             FROM coach_loads l
            WHERE ${sameChapter ? 'l.chapter_id = $1' : '(l.chapter_id = $1) IS NOT TRUE'} AND l.coach_id <> $2
              ${from ? `AND (${ORDER.join(', ')}) ${direction === 'ASC' ? '>' : '<'} ($3::int, $4::int, $5::text, $6::uuid)` : ''}
            ORDER BY ${ORDER.map((o) => `${o} ${direction}`).join(', ')}
            LIMIT ${COACH_PAGE_SIZE + 1})`;
}

/**
 * One page of active coaches for an organizer in ranking order (same chapter, then most places
 * free, then fewest reviews waiting, then name), read by keyset from the kept coach loads: each
 * half of the ranking is an index range of at most a page, however many coaches there are, and
 * pages stay stable while coaches are added.
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
  // Going forward from a position among other chapters, the same-chapter half is behind us;
  // going back from one in the same chapter, the other half is behind us.
  const halves = [
    ...(from?.[0] === true && !before ? [] : [half(true, from !== null && !from[0], direction)]),
    ...(from?.[0] === false && before ? [] : [half(false, from !== null && from[0], direction)]),
  ];
  const rows = await manager.query<Row[]>(
    `SELECT r.coach_id AS id, r.display_name, r.capacity, r.active, r.waiting, r.other_chapter,
            (SELECT c.name FROM chapters c WHERE c.id = r.chapter_id) AS chapter_name
       FROM (${halves.join(' UNION ALL ')}) r
      ORDER BY ${['r.other_chapter', 'r.active - r.capacity', 'r.waiting', 'r.display_name', 'r.coach_id']
        .map((o) => `${o} ${direction}`)
        .join(', ')}
      LIMIT ${COACH_PAGE_SIZE + 1}`,
    [organizer.chapterId, organizer.id, ...(from ? from.slice(1) : [])],
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
