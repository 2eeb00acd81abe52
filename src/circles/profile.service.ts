import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { NotFound } from '../web/errors';
import { HOST_SQL, IS_MEMBER_SQL, MY_CIRCLES_FROM, POST_READABLE_SQL } from './circle-sql';

/** How many stories and answers a profile lists (newest first). */
export const PROFILE_LIST_SIZE = 20;

export interface ProfileItem {
  postId: string;
  replyId: string | null;
  title: string;
  circleName: string;
  createdAt: Date;
}

export interface CircleProfile {
  id: string;
  displayName: string;
  stories: ProfileItem[];
  answers: ProfileItem[];
  /** "This helped" presses on their replies, in circles the viewer can read. */
  helped: number;
}

/** The person `t` belongs to circle `c` (the membership rule, read for another alias). */
const TARGET_MEMBER_SQL = IS_MEMBER_SQL.replace(/\bu\./g, 't.');
/** Circle `c` is one the viewer `u` may read. */
const READABLE = `(${IS_MEMBER_SQL} OR ${HOST_SQL})`;

/**
 * A person's page in the circles: the stories they shared and the asks their replies answered, only
 * from circles the viewer can read. Shown to the person, to people who share a chapter, cohort or
 * topic circle with them (the academy-wide circle holds everyone, so it does not count), and to
 * admins whose scope includes the person's chapter; anyone else gets NotFound.
 */
export class CircleProfileService {
  async profile(
    manager: EntityManager,
    actor: SessionUser | undefined,
    personId: string,
  ): Promise<CircleProfile> {
    const viewer = assertSignedIn(actor);
    const [person] = await manager.query<
      { id: string; displayName: string; chapterId: string | null; shares: boolean }[]
    >(
      `SELECT t.id, t.display_name AS "displayName", t.chapter_id AS "chapterId",
         EXISTS (SELECT 1 FROM circles c JOIN users u ON u.id = $1
                 WHERE c.kind <> 'academy' AND ${IS_MEMBER_SQL} AND ${TARGET_MEMBER_SQL}) AS shares
       FROM users t WHERE t.id = $2`,
      [viewer.id, personId],
    );
    const adminInScope =
      viewer.role === 'admin' && (!viewer.scopeChapterId || viewer.scopeChapterId === person?.chapterId);
    if (!person || !(person.id === viewer.id || person.shares || adminInScope))
      throw new NotFound('That person does not exist.');
    const [stories, answers, helped] = await Promise.all([
      manager.query<ProfileItem[]>(
        `SELECT p.id AS "postId", NULL AS "replyId", p.title, c.name AS "circleName", p.created_at AS "createdAt"
         FROM ${MY_CIRCLES_FROM} JOIN circle_posts p ON p.circle_id = c.id
         WHERE p.author_id = $2 AND p.kind = 'story' AND ${READABLE} AND ${POST_READABLE_SQL}
         ORDER BY p.created_at DESC, p.id DESC LIMIT $3`,
        [viewer.id, person.id, PROFILE_LIST_SIZE],
      ),
      manager.query<ProfileItem[]>(
        `SELECT p.id AS "postId", r.id AS "replyId", p.title, c.name AS "circleName", r.created_at AS "createdAt"
         FROM ${MY_CIRCLES_FROM} JOIN circle_posts p ON p.circle_id = c.id JOIN circle_replies r ON r.id = p.answer_reply_id
         WHERE r.author_id = $2 AND r.hidden_at IS NULL AND ${READABLE} AND ${POST_READABLE_SQL}
         ORDER BY r.created_at DESC, r.id DESC LIMIT $3`,
        [viewer.id, person.id, PROFILE_LIST_SIZE],
      ),
      manager.query<{ n: number }[]>(
        `SELECT count(*)::int AS n
         FROM ${MY_CIRCLES_FROM} JOIN circle_posts p ON p.circle_id = c.id JOIN circle_replies r ON r.post_id = p.id
           JOIN circle_reply_helped h ON h.reply_id = r.id
         WHERE r.author_id = $2 AND r.hidden_at IS NULL AND ${READABLE} AND ${POST_READABLE_SQL}`,
        [viewer.id, person.id],
      ),
    ]);
    return { id: person.id, displayName: person.displayName, stories, answers, helped: helped[0]?.n ?? 0 };
  }
}
