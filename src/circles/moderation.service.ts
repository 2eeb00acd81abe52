import { IsNull, type EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { NotFound } from '../web/errors';
import { CirclePost, CircleReply } from './post.entities';
import type { PostsService } from './posts.service';
import { CircleReport } from './safety.entities';

export interface QueueItem {
  reportId: string;
  postId: string;
  replyId: string | null;
  postTitle: string;
  circleName: string;
  reason: string;
  reporterName: string;
  createdAt: Date;
}

/** Where a post or reply lives: its post id, and the reply id when it is a reply. */
export interface Target {
  postId: string;
  replyId: string | null;
}

export class ModerationService {
  constructor(private readonly posts: PostsService) {}

  /** The post of a reply, or NotFound. */
  async targetOfReply(manager: EntityManager, replyId: string): Promise<Target> {
    const reply = await manager.findOneBy(CircleReply, { id: replyId });
    if (!reply) throw new NotFound('That reply does not exist.');
    return { postId: reply.postId, replyId };
  }

  /** Any member reports a post or reply to the hosts; reporting the same thing twice is a no-op. Audited. */
  async report(manager: EntityManager, actor: SessionUser | undefined, target: Target, reason: string) {
    await this.posts.visiblePost(manager, actor, target.postId);
    const reporter = assertSignedIn(actor);
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(CircleReport)
      .values({ ...target, replyKey: target.replyId ?? '', reporterId: reporter.id, reason })
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    if (id)
      await recordAudit(manager, {
        actorId: reporter.id,
        action: 'circle.reported',
        subjectType: target.replyId ? 'circle_reply' : 'circle_post',
        subjectId: target.replyId ?? target.postId,
        details: { reason },
      });
  }

  /** Hosts only: NotFound for anyone else (they need not learn what exists). */
  private async assertHost(manager: EntityManager, actor: SessionUser | undefined, postId: string) {
    const { post, circle } = await this.posts.visiblePost(manager, actor, postId);
    if (!circle.host) throw new NotFound('That post does not exist.');
    return post;
  }

  /** A host hides a post or reply with a reason its author sees; its open reports are resolved. Audited. */
  async hide(manager: EntityManager, actor: SessionUser | undefined, target: Target, reason: string) {
    await this.assertHost(manager, actor, target.postId);
    const change = { hiddenAt: new Date(), hiddenReason: reason };
    if (target.replyId) await manager.update(CircleReply, { id: target.replyId }, change);
    else await manager.update(CirclePost, { id: target.postId }, change);
    await manager.update(
      CircleReport,
      { postId: target.postId, replyKey: target.replyId ?? '', resolvedAt: IsNull() },
      { resolvedAt: new Date() },
    );
    await recordAudit(manager, {
      actorId: actor!.id,
      action: 'circle.hidden',
      subjectType: target.replyId ? 'circle_reply' : 'circle_post',
      subjectId: target.replyId ?? target.postId,
      details: { reason },
    });
  }

  /** A host locks a thread (no new replies) or unlocks it. Audited. */
  async setLocked(manager: EntityManager, actor: SessionUser | undefined, postId: string, locked: boolean) {
    await this.assertHost(manager, actor, postId);
    await manager.update(CirclePost, { id: postId }, { lockedAt: locked ? new Date() : null });
    await recordAudit(manager, {
      actorId: actor!.id,
      action: locked ? 'circle.locked' : 'circle.unlocked',
      subjectType: 'circle_post',
      subjectId: postId,
    });
  }

  /** Open reports in the circles `actor` hosts, oldest first (one query; rules as in the policy). */
  async queue(manager: EntityManager, actor: SessionUser | undefined): Promise<QueueItem[]> {
    const host = assertSignedIn(actor);
    const academy = host.role === 'admin' && !host.scopeChapterId;
    const chapter =
      host.role === 'admin' ? host.scopeChapterId : host.role === 'coach' ? host.chapterId : null;
    return manager.query<QueueItem[]>(
      `SELECT r.id AS "reportId", r.post_id AS "postId", r.reply_id AS "replyId", p.title AS "postTitle",
         c.name AS "circleName", r.reason, u.display_name AS "reporterName", r.created_at AS "createdAt"
       FROM circle_reports r JOIN circle_posts p ON p.id = r.post_id JOIN circles c ON c.id = p.circle_id
       LEFT JOIN cohorts co ON co.id = c.cohort_id JOIN users u ON u.id = r.reporter_id
       WHERE r.resolved_at IS NULL AND ($1 OR COALESCE(c.chapter_id, co.chapter_id) = $2)
       ORDER BY r.created_at LIMIT 200`,
      [academy, chapter],
    );
  }
}
