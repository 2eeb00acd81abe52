import type { EntityManager } from 'typeorm';
import { assertAdmin, assertNotSubject, assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { notify, type Recipient } from '../notifications/notify';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { canDecideStory } from './directory.policy';
import { StoryPublication, type RequestState } from './story-publication.entity';

/** A story post and everything publishing it depends on (one query). */
export interface StoryFacts {
  postId: string;
  kind: string;
  title: string;
  body: string;
  updatedAt: Date;
  hidden: boolean;
  author: Recipient & { chapterId: string | null };
  circleName: string;
  /** The chapter owning the post's circle (its own or its cohort's); null for topic and academy circles. */
  circleChapterId: string | null;
  publication: StoryPublication | null;
}

/** What the author (or a decider) sees about a story's publication on the post page. */
export interface PublicationStatus {
  state: RequestState | null;
  isPublic: boolean;
  /** The public text differs from the post as it is now (edited since approval). */
  editedSincePublished: boolean;
  declineReason: string | null;
  canRequest: boolean;
  canUnpublish: boolean;
  publicUrl: string | null;
}

interface FactsRow {
  post_id: string;
  kind: string;
  title: string;
  body: string;
  updated_at: Date;
  hidden: boolean;
  author_id: string;
  author_email: string;
  author_name: string;
  author_chapter_id: string | null;
  circle_name: string;
  circle_chapter_id: string | null;
}

const FACTS_SQL = `SELECT p.id AS post_id, p.kind, p.title, p.body, p.updated_at, p.hidden_at IS NOT NULL AS hidden,
    u.id AS author_id, u.email AS author_email, u.display_name AS author_name, u.chapter_id AS author_chapter_id,
    c.name AS circle_name, COALESCE(c.chapter_id, co.chapter_id) AS circle_chapter_id
  FROM circle_posts p JOIN users u ON u.id = p.author_id JOIN circles c ON c.id = p.circle_id
  LEFT JOIN cohorts co ON co.id = c.cohort_id WHERE p.id = $1`;

const NOT_FOUND = 'That story does not exist.';

/**
 * Stories for the world: the author of a story asks to publish it, a chapter admin approves or
 * declines, and the approved text appears on the chapter's public pages and Atom feed until the
 * author or an admin unpublishes it. Every step is audited in the transaction that makes it.
 */
export class StoriesService {
  constructor(private readonly baseUrl: string) {}

  /** The post, its author and circle, and its publication row (locked when `lock`). NotFound if none. */
  async facts(manager: EntityManager, postId: string, lock = false): Promise<StoryFacts> {
    const [row] = await manager.query<FactsRow[]>(FACTS_SQL, [postId]);
    if (!row) throw new NotFound(NOT_FOUND);
    const publication = await manager.findOne(StoryPublication, {
      where: { postId },
      ...(lock && { lock: { mode: 'pessimistic_write' as const } }),
    });
    return {
      postId: row.post_id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      updatedAt: row.updated_at,
      hidden: row.hidden,
      author: {
        id: row.author_id,
        email: row.author_email,
        displayName: row.author_name,
        chapterId: row.author_chapter_id,
      },
      circleName: row.circle_name,
      circleChapterId: row.circle_chapter_id,
      publication,
    };
  }

  /** The publication state shown on a post page to its author or to someone who decides; null for others. */
  async status(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
  ): Promise<PublicationStatus | null> {
    const facts = await this.facts(manager, postId);
    const author = actor?.id === facts.author.id;
    const decider = canDecideStory(actor, facts.circleChapterId);
    if (facts.kind !== 'story' || (!author && !decider)) return null;
    const p = facts.publication;
    const isPublic = !!p?.publishedAt;
    const edited = isPublic && (p.publicTitle !== facts.title || p.publicBody !== facts.body);
    const slug = isPublic
      ? await manager.query<{ slug: string }[]>('SELECT slug FROM chapter_pages WHERE chapter_id = $1', [
          p.chapterId,
        ])
      : [];
    return {
      state: p?.requestState ?? null,
      isPublic,
      editedSincePublished: edited,
      declineReason: p?.requestState === 'declined' ? p.declineReason : null,
      canRequest: author && !facts.hidden && p?.requestState !== 'pending' && (!isPublic || edited),
      canUnpublish: (author || decider) && (isPublic || p?.requestState === 'pending'),
      publicUrl: slug[0] ? `/chapters/${slug[0].slug}/stories#story-${postId}` : null,
    };
  }

  /**
   * The author asks to publish their story (again, after an edit). Throws NotFound (no such post, or
   * not theirs), ValidationFailed (not a story, hidden, no chapter to publish on). Asking while a
   * request is open changes nothing. Notifies the chapter's admins (else academy admins); audited.
   */
  async request(manager: EntityManager, actor: SessionUser | undefined, postId: string): Promise<void> {
    const person = assertSignedIn(actor);
    const facts = await this.facts(manager, postId, true);
    if (facts.author.id !== person.id) throw new NotFound(NOT_FOUND);
    if (facts.kind !== 'story') throw new ValidationFailed({ form: 'Only stories can be published.' });
    if (facts.hidden) throw new ValidationFailed({ form: 'A hidden post cannot be published.' });
    const chapterId = facts.circleChapterId ?? facts.author.chapterId;
    if (!chapterId)
      throw new ValidationFailed({
        form: 'Stories are published on a chapter’s page, and neither this circle nor your account belongs to a chapter.',
      });
    const current = facts.publication;
    if (current?.requestState === 'pending') return;
    if (current?.publishedAt && current.publicTitle === facts.title && current.publicBody === facts.body)
      throw new ValidationFailed({ form: 'This story is already published as it is.' });
    const asked = { requestState: 'pending' as const, requestedAt: new Date(), requestedBy: person.id };
    if (current) {
      const keepChapter = current.publishedAt ? current.chapterId : chapterId;
      await manager.save(Object.assign(current, asked, { chapterId: keepChapter, declineReason: null }));
    } else {
      // The first ask: a double click or a second tab may race it; the primary key lets one in.
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(StoryPublication)
        .values({ postId, chapterId, ...asked })
        .orIgnore()
        .returning(['post_id'])
        .execute();
      if (!(inserted.raw as unknown[]).length) return;
    }
    await this.audit(manager, person.id, 'story.publish_requested', postId, { chapterId });
    for (const admin of await this.deciders(manager, facts.circleChapterId, person.id))
      await notify(manager, this.baseUrl, {
        to: admin,
        kind: 'stories',
        title: `A story asks to be published: ${facts.title}`,
        body: `${facts.author.displayName} asks to publish their story from ${facts.circleName} on the chapter’s public page.`,
        link: '/admin/stories',
      });
  }

  /** Admins of the circle's chapter (active), else academy admins; never the author. */
  private async deciders(manager: EntityManager, chapterId: string | null, authorId: string) {
    const scoped = chapterId
      ? await manager.query<Recipient[]>(
          `SELECT id, email, display_name AS "displayName" FROM users
            WHERE role = 'admin' AND active AND scope_chapter_id = $1 AND id <> $2`,
          [chapterId, authorId],
        )
      : [];
    if (scoped.length) return scoped;
    return manager.query<Recipient[]>(
      `SELECT id, email, display_name AS "displayName" FROM users
        WHERE role = 'admin' AND active AND scope_chapter_id IS NULL AND id <> $1`,
      [authorId],
    );
  }

  /** A pending request, for someone who may decide it (never the author). */
  private async pendingFor(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
  ): Promise<StoryFacts & { publication: StoryPublication }> {
    const admin = assertAdmin(actor);
    const facts = await this.facts(manager, postId, true);
    if (!canDecideStory(admin, facts.circleChapterId) || !facts.publication) throw new NotFound(NOT_FOUND);
    assertNotSubject(admin, facts.author.id, 'Another admin decides on your own story.');
    if (facts.publication.requestState !== 'pending')
      throw new Conflict('This story is no longer waiting for a decision.');
    return { ...facts, publication: facts.publication };
  }

  /**
   * Approves a pending story: the post's text as `version` (its updated_at) becomes the public
   * text. Throws Conflict when the author changed it since, ValidationFailed when it is hidden.
   */
  async approve(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
    version: string,
  ): Promise<void> {
    const facts = await this.pendingFor(manager, actor, postId);
    if (facts.hidden) throw new ValidationFailed({ form: 'A hidden post cannot be published.' });
    if (facts.updatedAt.toISOString() !== version)
      throw new Conflict('The author changed this story since you opened it. Read it again, then decide.');
    const now = new Date();
    const p = facts.publication;
    await manager.save(
      Object.assign(p, {
        requestState: 'approved' as const,
        decidedAt: now,
        decidedBy: actor!.id,
        publicTitle: facts.title,
        publicBody: facts.body,
        publishedAt: p.publishedAt ?? now,
        publicUpdatedAt: now,
      }),
    );
    await this.audit(manager, actor!.id, 'story.approved', postId, { chapterId: p.chapterId });
    await notify(manager, this.baseUrl, {
      to: facts.author,
      kind: 'stories',
      title: `Your story is published: ${facts.title}`,
      body: 'It is on your chapter’s public page and in its feed. You can unpublish it at any time from the post.',
      link: `/circles/posts/${postId}`,
    });
  }

  /** Declines a pending story with a reason the author is told; the public text (if any) stays as it was. */
  async decline(
    manager: EntityManager,
    actor: SessionUser | undefined,
    postId: string,
    reason: string,
  ): Promise<void> {
    const facts = await this.pendingFor(manager, actor, postId);
    Object.assign(facts.publication, {
      requestState: 'declined' as const,
      decidedAt: new Date(),
      decidedBy: actor!.id,
      declineReason: reason,
    });
    await manager.save(facts.publication);
    await this.audit(manager, actor!.id, 'story.declined', postId, { reason });
    await notify(manager, this.baseUrl, {
      to: facts.author,
      kind: 'stories',
      title: `Your story was not published: ${facts.title}`,
      body: `The reason given: ${reason}`,
      link: `/circles/posts/${postId}`,
    });
  }

  /**
   * Takes a story off the public pages at once (and withdraws an open request). The author, or
   * whoever may decide on it; others get NotFound. Nothing public and nothing pending: a no-op.
   */
  async unpublish(manager: EntityManager, actor: SessionUser | undefined, postId: string): Promise<void> {
    const person = assertSignedIn(actor);
    const facts = await this.facts(manager, postId, true);
    const author = facts.author.id === person.id;
    if (!author && !canDecideStory(person, facts.circleChapterId)) throw new NotFound(NOT_FOUND);
    const p = facts.publication;
    if (!p || (!p.publishedAt && p.requestState !== 'pending')) return;
    Object.assign(p, {
      requestState: p.requestState === 'pending' ? ('withdrawn' as const) : p.requestState,
      publishedAt: null,
      publicTitle: null,
      publicBody: null,
      publicUpdatedAt: null,
      unpublishedAt: new Date(),
      unpublishedBy: person.id,
    });
    await manager.save(p);
    await this.audit(manager, person.id, 'story.unpublished', postId, { byAuthor: author });
    if (!author)
      await notify(manager, this.baseUrl, {
        to: facts.author,
        kind: 'stories',
        title: `Your story was unpublished: ${facts.title}`,
        body: 'An admin took it off your chapter’s public page. It stays in your circle.',
        link: `/circles/posts/${postId}`,
      });
  }

  private audit(
    manager: EntityManager,
    actorId: string,
    action: string,
    postId: string,
    details: Record<string, unknown>,
  ) {
    return recordAudit(manager, { actorId, action, subjectType: 'circle_post', subjectId: postId, details });
  }
}
