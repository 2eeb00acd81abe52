import type { EntityManager } from 'typeorm';
import { assertRole } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { mailText } from '../mail/outbox';
import { notify } from '../notifications/notify';
import type { CircleKind } from './circle.entities';
import { canSee, isHost } from './circles.policy';
import { MEMBER_SQL } from './circles.service';

/** The change topic the database notifies when circle posts or replies change (migration CircleCare…). */
export const CIRCLE_ASKS_TOPIC = 'circle_asks';

/** Asks older than the threshold by more than this are never escalated (say, after a long outage). */
export const ESCALATION_LOOKBACK_MS = 14 * 24 * 3_600_000;
/** Asks claimed by one sweep; the next sweep takes the rest. */
export const ESCALATION_BATCH = 100;
/** Asks listed on a coach's dashboard, oldest first. */
export const WAITING_ASKS_SHOWN = 20;

/** An ask still waiting, as the coach dashboard lists it. */
export interface WaitingAsk {
  id: string;
  title: string;
  circleName: string;
  askerName: string;
  createdAt: Date;
  meToo: number;
}

/** Still open and unanswered: not hidden, not marked answered, no visible reply from anyone but the asker. */
const STILL_WAITING = `p.kind = 'ask' AND p.answer_reply_id IS NULL AND p.hidden_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM circle_replies r
                   WHERE r.post_id = p.id AND r.hidden_at IS NULL AND r.author_id <> p.author_id)`;

interface Candidate extends SessionUser {
  member: boolean;
  coachOfAsker: boolean;
}

interface AskFacts {
  title: string;
  author_id: string;
  asker: string;
  circle: string;
  kind: CircleKind;
  owning_chapter_id: string | null;
}

/**
 * No ask left alone: an ask with no reply after the threshold is shown to the asker's coach and the
 * circle's hosts, once, by a notice of kind `circle_asks` and on the coach dashboard.
 */
export class AskEscalations {
  constructor(
    private readonly baseUrl: string,
    readonly thresholdHours: number,
  ) {}

  private dueBefore(now: Date): Date {
    return new Date(now.getTime() - this.thresholdHours * 3_600_000);
  }

  /**
   * Claims the asks that waited past the threshold (one INSERT … ON CONFLICT DO NOTHING: a row another
   * process claimed first is skipped, waiting for its transaction if need be) and notifies the
   * asker's coach and the circle's hosts in the same transaction. Returns how many asks were escalated.
   */
  async sweep(manager: EntityManager, now = new Date()): Promise<number> {
    const due = this.dueBefore(now);
    const claimed = await manager.query<{ post_id: string }[]>(
      `INSERT INTO circle_ask_escalations (post_id, escalated_at)
       SELECT p.id, $3 FROM circle_posts p JOIN users a ON a.id = p.author_id AND a.active
        WHERE p.created_at > $1 AND p.created_at <= $2 AND ${STILL_WAITING}
          AND NOT EXISTS (SELECT 1 FROM circle_ask_escalations e WHERE e.post_id = p.id)
        ORDER BY p.created_at LIMIT $4
       ON CONFLICT (post_id) DO NOTHING RETURNING post_id`,
      [new Date(due.getTime() - ESCALATION_LOOKBACK_MS), due, now, ESCALATION_BATCH],
    );
    for (const { post_id: postId } of claimed) await this.tell(manager, postId);
    return claimed.length;
  }

  /** Whom an ask is shown to: the asker's coach if they can read the circle, and its nearest hosts. */
  async recipients(manager: EntityManager, postId: string): Promise<{ ask: AskFacts; to: Candidate[] }> {
    const [ask] = await manager.query<AskFacts[]>(
      `SELECT p.title, p.author_id, a.display_name AS asker, c.name AS circle, c.kind,
              COALESCE(c.chapter_id, co.chapter_id) AS owning_chapter_id
         FROM circle_posts p JOIN users a ON a.id = p.author_id JOIN circles c ON c.id = p.circle_id
         LEFT JOIN cohorts co ON co.id = c.cohort_id WHERE p.id = $1`,
      [postId],
    );
    const candidates = await manager.query<Candidate[]>(
      `SELECT u.id, u.email, u.display_name AS "displayName", u.role, u.chapter_id AS "chapterId",
              u.scope_chapter_id AS "scopeChapterId", ${MEMBER_SQL} AS member,
              EXISTS (SELECT 1 FROM coach_assignments ca WHERE ca.organizer_id = $2 AND ca.coach_id = u.id
                         AND ca.ended_at IS NULL) AS "coachOfAsker"
         FROM circles c JOIN circle_posts p ON p.circle_id = c.id
         JOIN users u ON u.active AND u.id <> $2 AND (
              u.id IN (SELECT ca.coach_id FROM coach_assignments ca WHERE ca.organizer_id = $2 AND ca.ended_at IS NULL)
           OR (u.role = 'coach' AND u.chapter_id = $3)
           OR (u.role = 'admin' AND (u.scope_chapter_id IS NULL OR u.scope_chapter_id = $3)))
        WHERE p.id = $1 ORDER BY u.display_name`,
      [postId, ask.author_id, ask.owning_chapter_id],
    );
    const facts = { kind: ask.kind, owningChapterId: ask.owning_chapter_id };
    const hostOf = (u: Candidate) => isHost(u, { ...facts, member: u.member });
    const academyWide = (u: Candidate) => u.role === 'admin' && !u.scopeChapterId;
    const nearest = candidates.filter((u) => hostOf(u) && !academyWide(u));
    const hosts = nearest.length ? nearest : candidates.filter((u) => hostOf(u) && academyWide(u));
    const coaches = candidates.filter((u) => u.coachOfAsker && canSee(u, { ...facts, member: u.member }));
    const to = [...new Map([...coaches, ...hosts].map((u) => [u.id, u])).values()];
    return { ask, to };
  }

  private async tell(manager: EntityManager, postId: string): Promise<void> {
    const { ask, to } = await this.recipients(manager, postId);
    const waited = this.thresholdHours;
    for (const person of to)
      await notify(manager, this.baseUrl, {
        to: person,
        kind: 'circle_asks',
        title: `An ask in ${ask.circle} is waiting for help`,
        body: mailText`${ask.asker} asked “${ask.title}” in ${ask.circle} more than ${waited} hours ago and nobody has replied yet.`,
        link: `/circles/posts/${postId}`,
      });
  }

  /**
   * Asks waiting past the threshold that a coach should see: in the circles the coach hosts (their
   * chapter's circle and its cohorts' circles) or from organizers they coach, in circles they can
   * read. Oldest first, at most WAITING_ASKS_SHOWN. Throws Forbidden for anyone but a coach.
   */
  async waitingForCoach(
    manager: EntityManager,
    actor: SessionUser | undefined,
    now = new Date(),
  ): Promise<WaitingAsk[]> {
    const coach = assertRole(actor, 'coach');
    return manager.query<WaitingAsk[]>(
      `WITH hosted AS (
         SELECT c.id FROM circles c WHERE c.chapter_id = $2
         UNION ALL
         SELECT c.id FROM circles c JOIN cohorts co ON co.id = c.cohort_id WHERE co.chapter_id = $2),
       candidates AS (
         SELECT p.id FROM hosted h JOIN circle_posts p ON p.circle_id = h.id
          WHERE p.kind = 'ask' AND p.answer_reply_id IS NULL AND p.hidden_at IS NULL AND p.created_at <= $3
         UNION
         SELECT p.id FROM coach_assignments ca JOIN circle_posts p ON p.author_id = ca.organizer_id
          WHERE ca.coach_id = $1 AND ca.ended_at IS NULL
            AND p.kind = 'ask' AND p.answer_reply_id IS NULL AND p.hidden_at IS NULL AND p.created_at <= $3)
       SELECT p.id, p.title, c.name AS "circleName", a.display_name AS "askerName", p.created_at AS "createdAt",
              (SELECT count(*)::int FROM circle_post_me_too t WHERE t.post_id = p.id) AS "meToo"
         FROM candidates k JOIN circle_posts p ON p.id = k.id JOIN circles c ON c.id = p.circle_id
         LEFT JOIN cohorts co ON co.id = c.cohort_id JOIN users a ON a.id = p.author_id AND a.active
         JOIN users u ON u.id = $1
        WHERE ${STILL_WAITING} AND p.author_id <> $1
          AND (COALESCE(c.chapter_id, co.chapter_id) = $2 OR ${MEMBER_SQL})
        ORDER BY p.created_at, p.id LIMIT ${WAITING_ASKS_SHOWN}`,
      [coach.id, coach.chapterId, this.dueBefore(now)],
    );
  }
}
