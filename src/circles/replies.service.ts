import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { Conflict, Forbidden, NotFound } from '../web/errors';
import type { MentionsService } from './mentions';
import { CircleReply } from './post.entities';
import type { PostsService } from './posts.service';
import { CircleRevision } from './safety.entities';

/** Editing replies: by their author only, never once hidden or on a locked or hidden thread. */
export class RepliesService {
  constructor(
    private readonly posts: PostsService,
    private readonly mentions: MentionsService,
  ) {}

  /**
   * The reply its author may edit now, with its post and circle. NotFound when `actor` may not see
   * it; Forbidden for anyone but its author; Conflict when hidden or the thread is locked or hidden.
   */
  async editable(manager: EntityManager, actor: SessionUser | undefined, replyId: string, lock = false) {
    const reply = await manager.findOne(CircleReply, {
      where: { id: replyId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!reply) throw new NotFound('That reply does not exist.');
    const { post, circle } = await this.posts.visiblePost(manager, actor, reply.postId);
    const person = assertSignedIn(actor);
    if (reply.hiddenAt && reply.authorId !== person.id && !circle.host)
      throw new NotFound('That reply does not exist.');
    if (reply.authorId !== person.id) throw new Forbidden('Only the author can edit a reply.');
    if (reply.hiddenAt)
      throw new Conflict('The circle’s hosts hid this reply, so it can no longer be edited.');
    if (post.hiddenAt || post.lockedAt)
      throw new Conflict('This thread is closed, so its replies can no longer be edited.');
    return { reply, post, circle };
  }

  /**
   * The author replaces a reply's text; the earlier text is kept in circle_revisions (reply_key = the
   * reply's id) and people mentioned for the first time are notified. The row is locked first, so two
   * edits at once each keep the text they replaced. Throws as `editable`.
   */
  async edit(manager: EntityManager, actor: SessionUser | undefined, replyId: string, body: string) {
    const { reply, post } = await this.editable(manager, actor, replyId, true);
    if (reply.body === body) return reply;
    await manager.save(
      manager.create(CircleRevision, {
        postId: reply.postId,
        replyKey: reply.id,
        title: null,
        body: reply.body,
        editedBy: reply.authorId,
      }),
    );
    await manager.update(CircleReply, { id: reply.id }, { body });
    await this.mentions.record(manager, {
      postId: post.id,
      replyId: reply.id,
      circleId: post.circleId,
      authorId: reply.authorId,
      text: body,
      hidden: false,
    });
    return reply;
  }
}
