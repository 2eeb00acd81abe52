import type { EntityManager } from 'typeorm';
import { assertAdmin } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';

/** A story as the public sees it: the approved text, never the post's current one. */
export interface PublicStory {
  id: string;
  title: string;
  body: string;
  authorName: string;
  publishedAt: Date;
  updatedAt: Date;
}

/** A story waiting for a decision, or one that is public, as the admins' page lists it. */
export interface StoryForDecision {
  id: string;
  title: string;
  body: string;
  version: string;
  authorName: string;
  circleName: string;
  chapterName: string;
  requestedAt: Date;
  /** A published story whose edited text asks to replace the public one. */
  isUpdate: boolean;
}

export interface PublishedStory {
  id: string;
  title: string;
  authorName: string;
  chapterName: string;
  publishedAt: Date;
}

/**
 * Public stories of a chapter, newest first: approved and not unpublished, the post not hidden, the
 * author's account active. One query.
 */
export function publicStories(
  manager: EntityManager,
  chapterId: string,
  limit: number,
): Promise<PublicStory[]> {
  return manager.query<PublicStory[]>(
    `SELECT sp.post_id AS id, sp.public_title AS title, sp.public_body AS body, u.display_name AS "authorName",
            sp.published_at AS "publishedAt", sp.public_updated_at AS "updatedAt"
       FROM story_publications sp JOIN circle_posts p ON p.id = sp.post_id JOIN users u ON u.id = p.author_id
      WHERE sp.chapter_id = $1 AND sp.published_at IS NOT NULL AND p.hidden_at IS NULL AND u.active
      ORDER BY sp.published_at DESC, sp.post_id DESC LIMIT $2`,
    [chapterId, limit],
  );
}

/** Where the actor decides: every chapter (academy admins) or their own circles' chapter. */
function scopeParams(actor: SessionUser): [boolean, string | null] {
  return [!actor.scopeChapterId, actor.scopeChapterId];
}

const DECIDABLE = `FROM story_publications sp JOIN circle_posts p ON p.id = sp.post_id
  JOIN users u ON u.id = p.author_id JOIN circles c ON c.id = p.circle_id
  LEFT JOIN cohorts co ON co.id = c.cohort_id JOIN chapters ch ON ch.id = sp.chapter_id
  WHERE ($1 OR COALESCE(c.chapter_id, co.chapter_id) = $2)`;

/** Requests waiting for the actor's decision, oldest first (admins; scoped admins their chapter's). */
export async function storiesToDecide(
  manager: EntityManager,
  actor: SessionUser | undefined,
): Promise<StoryForDecision[]> {
  const admin = assertAdmin(actor);
  const rows = await manager.query<(Omit<StoryForDecision, 'version'> & { version: Date })[]>(
    `SELECT p.id, p.title, p.body, p.updated_at AS version, u.display_name AS "authorName",
            c.name AS "circleName", ch.name AS "chapterName", sp.requested_at AS "requestedAt",
            sp.published_at IS NOT NULL AS "isUpdate"
       ${DECIDABLE} AND sp.request_state = 'pending' AND p.hidden_at IS NULL AND p.author_id <> $3
      ORDER BY sp.requested_at LIMIT 100`,
    [...scopeParams(admin), admin.id],
  );
  return rows.map((row) => ({ ...row, version: row.version.toISOString() }));
}

/** The stories that are public where the actor decides, newest first (to unpublish from one place). */
export function publishedStories(
  manager: EntityManager,
  actor: SessionUser | undefined,
): Promise<PublishedStory[]> {
  const admin = assertAdmin(actor);
  return manager.query<PublishedStory[]>(
    `SELECT p.id, sp.public_title AS title, u.display_name AS "authorName", ch.name AS "chapterName",
            sp.published_at AS "publishedAt"
       ${DECIDABLE} AND sp.published_at IS NOT NULL
      ORDER BY sp.published_at DESC LIMIT 100`,
    scopeParams(admin),
  );
}
