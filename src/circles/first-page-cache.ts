import type { EntityManager } from 'typeorm';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import type { PostSummary } from './posts.service';

/** The change notice topic for circle_posts, circle_replies and circle_post_me_too (see migrations). */
export const CIRCLE_POSTS_TOPIC = 'circle_asks';

/** How long a circle's cached first page may be served without a notice (a backstop). */
export const FIRST_PAGE_TTL_MS = 10_000;

/** Hidden posts newer than the page's oldest visible post; more than this and the page reads through. */
const HIDDEN_MAX = 100;

/**
 * One circle's newest posts as everyone sees them, plus the hidden posts among them. Who may see
 * which hidden post (its author, the circle's hosts) is decided per reader, in `firstPageFor`.
 */
export interface SharedFirstPage {
  /** The newest `size + 1` posts that are not hidden, newest first. */
  visible: PostSummary[];
  /** Every hidden post newer than the last of `visible` (all hidden posts when `visible` is short). */
  hidden: PostSummary[];
  /** False when there were more than HIDDEN_MAX such hidden posts: not served, not kept. */
  complete: boolean;
}

type Row = Omit<PostSummary, 'answered'> & { answer_reply_id: string | null };

const SELECT = `SELECT p.id, p.kind, p.title, p.author_id AS "authorId", u.display_name AS "authorName",
    p.created_at AS "createdAt", p.answer_reply_id, p.hidden_reason AS "hiddenReason",
    (SELECT count(*)::int FROM circle_replies r WHERE r.post_id = p.id AND r.hidden_at IS NULL) AS replies,
    (SELECT count(*)::int FROM circle_post_me_too t WHERE t.post_id = p.id) AS "meToo"
  FROM circle_posts p JOIN users u ON u.id = p.author_id`;

const summary = ({ answer_reply_id, ...row }: Row): PostSummary => ({
  ...row,
  answered: answer_reply_id !== null,
});

/** Reads one circle's shared first page (two queries); used on a cache miss. */
export async function loadSharedFirstPage(
  manager: EntityManager,
  circleId: string,
  size: number,
): Promise<SharedFirstPage> {
  const visible = (
    await manager.query<Row[]>(
      `${SELECT} WHERE p.circle_id = $1 AND p.hidden_at IS NULL
       ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      [circleId, size + 1],
    )
  ).map(summary);
  const last = visible.length > size ? visible.at(-1) : undefined;
  const params: unknown[] = [circleId, HIDDEN_MAX + 1];
  let newer = '';
  if (last) {
    params.push(last.id);
    newer = `AND (p.created_at, p.id) > (SELECT l.created_at, l.id FROM circle_posts l WHERE l.id = $3)`;
  }
  const hidden = (
    await manager.query<Row[]>(
      `${SELECT} WHERE p.circle_id = $1 AND p.hidden_at IS NOT NULL ${newer}
       ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      params,
    )
  ).map(summary);
  return { visible, hidden: hidden.slice(0, HIDDEN_MAX), complete: hidden.length <= HIDDEN_MAX };
}

const newestFirst = (a: PostSummary, b: PostSummary) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The first page (`size + 1` posts, newest first) that `viewerId` sees: every visible post, plus
 * the hidden ones they wrote, or all hidden ones for a host. Shared objects are never changed.
 */
export function firstPageFor(
  shared: SharedFirstPage,
  viewerId: string,
  host: boolean,
  size: number,
): PostSummary[] {
  const own = shared.hidden.filter((p) => host || p.authorId === viewerId);
  if (!own.length) return shared.visible;
  return [...shared.visible, ...own].sort(newestFirst).slice(0, size + 1);
}

/**
 * Each process keeps every circle's shared first page in memory (production only: `enabled`),
 * emptied when posts, replies or me-toos change in any process (change notice topic
 * CIRCLE_POSTS_TOPIC), when this process serves a write, and after FIRST_PAGE_TTL_MS.
 */
export class FirstPageCache {
  private readonly cache: SharedCache<SharedFirstPage>;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly enabled: () => boolean,
    options: { max?: number; ttlMs?: number } = {},
  ) {
    this.cache = new SharedCache(feed, CIRCLE_POSTS_TOPIC, {
      max: options.max ?? 1_000,
      ttlMs: options.ttlMs ?? FIRST_PAGE_TTL_MS,
    });
  }

  /**
   * The circle's shared first page, from memory or loaded into it; undefined when the cache is off
   * or the change feed is not live (then the caller's single per-reader query is cheaper).
   */
  async get(manager: EntityManager, circleId: string, size: number): Promise<SharedFirstPage | undefined> {
    if (!this.enabled() || !this.feed.live) return undefined;
    return this.cache.get(
      `${circleId}:${size}`,
      () => loadSharedFirstPage(manager, circleId, size),
      (page) => page.complete,
    );
  }
}
