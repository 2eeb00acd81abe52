import { MEMBER_SQL } from './circles.service';

/**
 * SQL for "which circles may this person read", the same rules as circles.policy.ts, for queries
 * that span circles (search, peers on a module, circle profiles). Aliases: `c` the circle, `co` its
 * cohort (LEFT JOIN), `u` the person reading.
 */
export const OWNER_SQL = 'COALESCE(c.chapter_id, co.chapter_id)';

/** True when `u` hosts circle `c` (isHost in circles.policy.ts). */
export const HOST_SQL = `((u.role = 'admin' AND (u.scope_chapter_id IS NULL OR u.scope_chapter_id = ${OWNER_SQL}))
  OR (u.role = 'coach' AND ${OWNER_SQL} IS NOT NULL AND u.chapter_id = ${OWNER_SQL}))`;

/** True when `u` belongs to circle `c`. */
export const IS_MEMBER_SQL = MEMBER_SQL;

/** The circles person $1 belongs to, with whether they host each: `FROM circles c ... JOIN users u`. */
export const MY_CIRCLES_FROM = `circles c LEFT JOIN cohorts co ON co.id = c.cohort_id JOIN users u ON u.id = $1`;

/** A post `p` of circle `c` that `u` may read: not hidden, or theirs, or they host the circle. */
export const POST_READABLE_SQL = `(p.hidden_at IS NULL OR p.author_id = u.id OR ${HOST_SQL})`;
