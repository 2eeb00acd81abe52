import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { IS_MEMBER_SQL, MY_CIRCLES_FROM, POST_READABLE_SQL } from './circle-sql';
import type { PostKind } from './post.entities';
import type { Cursor } from './posts.service';

export const SEARCH_PAGE_SIZE = 20;
/** "Peers on this module": a short list; the rest is one search away. */
export const PEERS_SIZE = 5;

export interface SearchFilters {
  /** Words, "quoted phrases", -excluded, or: as websearch_to_tsquery reads them; '' matches everything. */
  q: string;
  kind: PostKind | null;
  /** Only asks not yet marked answered. */
  unanswered: boolean;
  moduleId: string | null;
}

export interface FoundPost {
  id: string;
  kind: PostKind;
  title: string;
  authorName: string;
  circleId: string;
  circleName: string;
  createdAt: Date;
  answered: boolean;
  hidden: boolean;
  moduleId: string | null;
  milestoneId: string | null;
  /** A few words around the match, as plain text (escaped by the view). */
  snippet: string;
}

const SELECT_FOUND = `SELECT p.id, p.kind, p.title, a.display_name AS "authorName", c.id AS "circleId",
    c.name AS "circleName", p.created_at AS "createdAt", p.answer_reply_id IS NOT NULL AS answered,
    p.hidden_at IS NOT NULL AS hidden, p.module_id AS "moduleId", p.milestone_id AS "milestoneId"`;

/**
 * Search and "peers on a module" over the circles a person belongs to. Both are one query: the
 * circles are those `u` is a member of (as on the Circles page), hidden posts show only to their
 * author and the circle's hosts, and pages go newest first by keyset (created_at, id).
 */
export class CircleSearchService {
  /** One page of posts matching `filters` in the actor's circles, after `cursor`. */
  async search(
    manager: EntityManager,
    actor: SessionUser | undefined,
    filters: SearchFilters,
    cursor: Cursor | null,
  ): Promise<{ posts: FoundPost[]; next: Cursor | null }> {
    const person = assertSignedIn(actor);
    const params: unknown[] = [
      person.id,
      filters.q,
      filters.kind,
      filters.unanswered,
      filters.moduleId,
      SEARCH_PAGE_SIZE + 1,
      cursor?.createdAt ?? null,
      cursor?.id ?? null,
    ];
    const rows = await manager.query<FoundPost[]>(
      `WITH q AS (SELECT websearch_to_tsquery('english', $2) AS query)
       ${SELECT_FOUND},
         CASE WHEN $2 = '' THEN left(p.body, 200)
           ELSE ts_headline('english', left(p.body, 5000), q.query, 'MaxFragments=1, MaxWords=25, MinWords=8, StartSel="", StopSel=""') END AS snippet
       FROM ${MY_CIRCLES_FROM} JOIN circle_posts p ON p.circle_id = c.id JOIN users a ON a.id = p.author_id, q
       WHERE ${IS_MEMBER_SQL} AND ${POST_READABLE_SQL}
         AND ($2 = '' OR p.search @@ q.query)
         AND ($3::text IS NULL OR p.kind = $3)
         AND (NOT $4 OR (p.kind = 'ask' AND p.answer_reply_id IS NULL))
         AND ($5::text IS NULL OR p.module_id = $5)
         AND ($7::timestamptz IS NULL OR (p.created_at, p.id) < ($7::timestamptz, $8::uuid))
       ORDER BY p.created_at DESC, p.id DESC LIMIT $6`,
      params,
    );
    const posts = rows.slice(0, SEARCH_PAGE_SIZE);
    const last = posts.at(-1);
    const next =
      rows.length > SEARCH_PAGE_SIZE && last
        ? { createdAt: last.createdAt.toISOString(), id: last.id }
        : null;
    return { posts, next };
  }

  /** The newest posts in the viewer's circles that link `moduleId` or one of its milestones. */
  async peers(manager: EntityManager, viewerId: string, moduleId: string): Promise<FoundPost[]> {
    return manager.query<FoundPost[]>(
      `${SELECT_FOUND}, '' AS snippet
       FROM ${MY_CIRCLES_FROM} JOIN circle_posts p ON p.circle_id = c.id JOIN users a ON a.id = p.author_id
       WHERE p.module_id = $2 AND ${IS_MEMBER_SQL} AND (p.hidden_at IS NULL OR p.author_id = u.id)
       ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
      [viewerId, moduleId, PEERS_SIZE],
    );
  }
}
