import type { EntityManager } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { assertSignedIn } from '../accounts/policy';
import type { AttemptLimiter } from '../web/attempt-limiter';
import { Forbidden, NotFound, ValidationFailed } from '../web/errors';
import type { CirclesService, CircleAccess } from './circles.service';
import { CirclePost, CircleReply, PostMeToo, ReplyHelped, type PostKind } from './post.entities';
import { ConductAcceptance, CircleRevision } from './safety.entities';
import type { Curriculum } from '../curriculum/curriculum.types';
import { NO_LINK, parseLink } from './curriculum-links';
import type { MentionsService } from './mentions';
import { firstPageFor, type FirstPageCache } from './first-page-cache';

/** What posts need from the curriculum links and @mentions (absent: neither is recorded). */
export interface PostsTalk {
  curriculum: () => Curriculum;
  mentions: MentionsService;
}

export const PAGE_SIZE = 20;

export interface PostSummary {
  id: string;
  kind: PostKind;
  title: string;
  authorName: string;
  authorId: string;
  createdAt: Date;
  replies: number;
  meToo: number;
  answered: boolean;
  hiddenReason: string | null;
}

export interface ThreadReply {
  id: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: Date;
  helped: number;
  helpedByMe: boolean;
  hiddenReason: string | null;
}

export interface Thread {
  circle: CircleAccess;
  post: CirclePost & { authorName: string };
  replies: ThreadReply[];
  meToo: number;
  meTooByMe: boolean;
}

/** A page position: the last post shown, as "<created_at ISO>~<id>". */
export interface Cursor {
  createdAt: string;
  id: string;
}

/**
 * A page of posts. `shared` says every reader who may see the circle gets these very objects (its
 * cached first page, with no hidden post for this reader): callers may then key work by them.
 */
export interface PostPage {
  posts: PostSummary[];
  next: Cursor | null;
  shared: boolean;
}

/** A page from up to PAGE_SIZE + 1 posts, newest first: the extra one only says there is a next page. */
function pageOf(rows: PostSummary[], shared = false): PostPage {
  const posts = rows.slice(0, PAGE_SIZE);
  const last = posts.at(-1);
  const next =
    rows.length > PAGE_SIZE && last ? { createdAt: last.createdAt.toISOString(), id: last.id } : null;
  return { posts, next, shared };
}

/** Pages made from a cached first page, by its (never changed) rows: one object for every reader. */
const sharedPages = new WeakMap<PostSummary[], PostPage>();

function sharedPageOf(rows: PostSummary[]): PostPage {
  let page = sharedPages.get(rows);
  if (!page) {
    page = Object.freeze(pageOf(rows, true));
    sharedPages.set(rows, page);
  }
  return page;
}

export class PostsService {
  constructor(
    private readonly circles: CirclesService,
    private readonly postingLimit: AttemptLimiter,
    private readonly talk?: PostsTalk,
    private readonly firstPages?: FirstPageCache,
  ) {}

  /**
   * One page of a circle's posts, newest first, after `cursor`; a constant number of queries. The
   * first page comes from the shared first-page cache when there is one (hidden posts picked per reader).
   */
  async page(
    manager: EntityManager,
    actor: SessionUser,
    access: CircleAccess,
    cursor: Cursor | null,
  ): Promise<PostPage> {
    if (!cursor && this.firstPages) {
      const shared = await this.firstPages.get(manager, access.id, PAGE_SIZE);
      if (shared?.complete) {
        const rows = firstPageFor(shared, actor.id, access.host, PAGE_SIZE);
        return rows === shared.visible ? sharedPageOf(rows) : pageOf(rows);
      }
    }
    const params: unknown[] = [access.id, actor.id, access.host, PAGE_SIZE + 1];
    let after = '';
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      after = 'AND (p.created_at, p.id) < ($5::timestamptz, $6::uuid)';
    }
    const rows = await manager.query<(Omit<PostSummary, 'answered'> & { answer_reply_id: string | null })[]>(
      `SELECT p.id, p.kind, p.title, p.author_id AS "authorId", u.display_name AS "authorName",
         p.created_at AS "createdAt", p.answer_reply_id, p.hidden_reason AS "hiddenReason",
         (SELECT count(*)::int FROM circle_replies r WHERE r.post_id = p.id AND r.hidden_at IS NULL) AS replies,
         (SELECT count(*)::int FROM circle_post_me_too t WHERE t.post_id = p.id) AS "meToo"
       FROM circle_posts p JOIN users u ON u.id = p.author_id
       WHERE p.circle_id = $1 AND (p.hidden_at IS NULL OR p.author_id = $2 OR $3) ${after}
       ORDER BY p.created_at DESC, p.id DESC LIMIT $4`,
      params,
    );
    return pageOf(
      rows.map(({ answer_reply_id, ...row }) => ({ ...row, answered: answer_reply_id !== null })),
    );
  }

  /** Whether the person has accepted the code of conduct. */
  async hasAcceptedConduct(manager: EntityManager, userId: string): Promise<boolean> {
    return (await manager.countBy(ConductAcceptance, { userId })) > 0;
  }

  /** Records acceptance of the code of conduct; accepting again changes nothing. */
  async acceptConduct(manager: EntityManager, actor: SessionUser | undefined): Promise<void> {
    const person = assertSignedIn(actor);
    await manager
      .createQueryBuilder()
      .insert()
      .into(ConductAcceptance)
      .values({ userId: person.id })
      .orIgnore()
      .execute();
  }

  /**
   * Consumes one of the person's posting points (shared by every process, in PostgreSQL); throws
   * TooManyRequests over the limit. Call before opening the transaction that writes the post or reply,
   * so a waiting limiter never holds a pooled connection while another waits.
   */
  async consumePostingPoint(actor: SessionUser | undefined): Promise<void> {
    await this.postingLimit.consume(assertSignedIn(actor).id);
  }

  /** Members who accepted the code of conduct may write. */
  private async assertMayWrite(manager: EntityManager, actor: SessionUser, access: CircleAccess) {
    if (!access.member && !access.host) throw new NotFound('That circle does not exist.');
    if (!(await this.hasAcceptedConduct(manager, actor.id)))
      throw new Forbidden('Please read and accept the code of conduct before your first post.');
  }

  /**
   * Posts a story, an ask or a feedback request in a circle the author belongs to. Throws NotFound
   * (circle not visible), Forbidden (code of conduct not accepted). The router consumes a posting point first.
   */
  async create(
    manager: EntityManager,
    actor: SessionUser | undefined,
    circleId: string,
    input: { kind: PostKind; title: string; body: string; link?: string },
  ): Promise<CirclePost> {
    const access = await this.circles.access(manager, actor, circleId);
    const author = assertSignedIn(actor);
    await this.assertMayWrite(manager, author, access);
    const { link = '', ...text } = input;
    const about = this.talk && link ? parseLink(link, this.talk.curriculum()) : NO_LINK;
    const post = await manager.save(
      manager.create(CirclePost, { ...text, ...about, circleId, authorId: author.id }),
    );
    await this.talk?.mentions.record(manager, {
      postId: post.id,
      replyId: null,
      circleId,
      authorId: author.id,
      text: post.body,
      hidden: false,
    });
    return post;
  }

  /** The post, if `actor` may see it and its circle; hidden posts only to their author and hosts. */
  async visiblePost(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
  ): Promise<{ post: CirclePost; circle: CircleAccess }> {
    const post = await manager.findOneBy(CirclePost, { id: postId });
    if (!post) throw new NotFound('That post does not exist.');
    const circle = await this.circles.access(manager, actor, post.circleId);
    if (post.hiddenAt && !circle.host && post.authorId !== actor?.id)
      throw new NotFound('That post does not exist.');
    return { post, circle };
  }

  /** A post with its replies and recognition counts, in four queries whatever its size. */
  async thread(manager: EntityManager, actor: SessionUser | undefined, postId: string): Promise<Thread> {
    const { post, circle } = await this.visiblePost(manager, actor, postId);
    const me = assertSignedIn(actor).id;
    const [author, replies, meToo] = await Promise.all([
      manager.query<{ name: string }[]>('SELECT display_name AS name FROM users WHERE id = $1', [
        post.authorId,
      ]),
      manager.query<ThreadReply[]>(
        `SELECT r.id, r.author_id AS "authorId", u.display_name AS "authorName", r.body,
           r.created_at AS "createdAt", r.hidden_reason AS "hiddenReason",
           (SELECT count(*)::int FROM circle_reply_helped h WHERE h.reply_id = r.id) AS helped,
           EXISTS (SELECT 1 FROM circle_reply_helped h WHERE h.reply_id = r.id AND h.user_id = $2) AS "helpedByMe"
         FROM circle_replies r JOIN users u ON u.id = r.author_id
         WHERE r.post_id = $1 AND (r.hidden_at IS NULL OR r.author_id = $2 OR $3)
         ORDER BY r.created_at, r.id`,
        [post.id, me, circle.host],
      ),
      manager.query<{ n: number; mine: boolean }[]>(
        `SELECT count(*)::int AS n, bool_or(user_id = $2) AS mine FROM circle_post_me_too WHERE post_id = $1`,
        [post.id, me],
      ),
    ]);
    return {
      circle,
      post: Object.assign(post, { authorName: author[0]?.name ?? '' }),
      replies,
      meToo: meToo[0]?.n ?? 0,
      meTooByMe: meToo[0]?.mine ?? false,
    };
  }

  /** Replies to a post (one level); refused on locked or hidden threads. */
  async reply(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
    body: string,
  ): Promise<CircleReply> {
    const { post, circle } = await this.visiblePost(manager, actor, postId);
    const author = assertSignedIn(actor);
    if (post.lockedAt || post.hiddenAt)
      throw new ValidationFailed({ body: 'This thread is closed to new replies.' });
    await this.assertMayWrite(manager, author, circle);
    const reply = await manager.save(manager.create(CircleReply, { postId, authorId: author.id, body }));
    await this.talk?.mentions.record(manager, {
      postId,
      replyId: reply.id,
      circleId: circle.id,
      authorId: author.id,
      text: body,
      hidden: false,
    });
    return reply;
  }

  /** "Me too" on an ask; a second press is a no-op. */
  async meToo(manager: EntityManager, actor: SessionUser | undefined, postId: string): Promise<void> {
    const { post } = await this.visiblePost(manager, actor, postId);
    if (post.kind !== 'ask') throw new ValidationFailed({ form: '"Me too" is for asks for help.' });
    await manager
      .createQueryBuilder()
      .insert()
      .into(PostMeToo)
      .values({ postId, userId: assertSignedIn(actor).id })
      .orIgnore()
      .execute();
  }

  /** "This helped" on a reply; a second press is a no-op. Returns the reply's post id. */
  async helped(manager: EntityManager, actor: SessionUser | undefined, replyId: string): Promise<string> {
    const reply = await manager.findOneBy(CircleReply, { id: replyId });
    if (!reply) throw new NotFound('That reply does not exist.');
    await this.visiblePost(manager, actor, reply.postId);
    await manager
      .createQueryBuilder()
      .insert()
      .into(ReplyHelped)
      .values({ replyId, userId: assertSignedIn(actor).id })
      .orIgnore()
      .execute();
    return reply.postId;
  }

  /** The asker marks their ask answered by the reply that helped. */
  async markAnswered(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
    replyId: string,
  ): Promise<void> {
    const { post } = await this.visiblePost(manager, actor, postId);
    if (post.authorId !== actor?.id) throw new Forbidden('Only the person who asked can mark it answered.');
    if (post.kind !== 'ask') throw new ValidationFailed({ form: 'Only asks for help are answered.' });
    const reply = await manager.findOneBy(CircleReply, { id: replyId, postId });
    if (!reply) throw new ValidationFailed({ replyId: 'Choose one of the replies to this ask.' });
    await manager.update(CirclePost, { id: postId }, { answerReplyId: replyId });
  }

  /** The author edits their post; the previous text is kept in circle_revisions. */
  async edit(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
    input: { title: string; body: string },
  ): Promise<void> {
    const { post } = await this.visiblePost(manager, actor, postId);
    if (post.authorId !== actor?.id) throw new Forbidden('Only the author can edit a post.');
    await manager.save(
      manager.create(CircleRevision, { postId, title: post.title, body: post.body, editedBy: actor.id }),
    );
    await manager.update(CirclePost, { id: postId }, input);
    await this.talk?.mentions.record(manager, {
      postId,
      replyId: null,
      circleId: post.circleId,
      authorId: actor.id,
      text: input.body,
      hidden: !!post.hiddenAt,
    });
  }
}
