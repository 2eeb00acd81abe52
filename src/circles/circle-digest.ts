import type { EntityManager } from 'typeorm';
import type { NotificationsService } from '../notifications/notifications.service';
import { notify } from '../notifications/notify';
import { MEMBER_SQL } from './circles.service';
import { countOf, formatCount } from '../web/format';

/** One circle digest per person per this period. */
export const CIRCLE_DIGEST_PERIOD_MS = 7 * 24 * 3_600_000;
/** People whose digest is made in one round; the next round takes the rest. */
export const CIRCLE_DIGEST_BATCH = 200;
/** Posts listed in one digest (newest first); the counts cover all of them. */
export const CIRCLE_DIGEST_ITEMS = 20;

interface DigestItem {
  id: string;
  kind: 'story' | 'ask';
  title: string;
  circle: string;
  author: string;
}

/** The posts a digest covers: new stories, and asks posted in the period that are still open. */
const COVERED = `p.hidden_at IS NULL AND p.author_id <> u.id AND p.created_at > $2 AND p.created_at <= $3
  AND (p.kind = 'story' OR (p.kind = 'ask' AND p.answer_reply_id IS NULL))`;

/**
 * The weekly circle digest: for each active person, the new stories and still-open asks posted by
 * others in their circles since their last digest (hidden posts never). It reaches them as their
 * notification choice for `circle_digest` says (in the app; by email, with one-click unsubscribe
 * headers; or inside the weekly notification digest). Nothing is made when nothing is new.
 */
export class CircleDigests {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly baseUrl: string,
  ) {}

  /** Makes every digest due at `now`, claiming each person's week first; returns how many were sent. */
  async sendDue(manager: EntityManager, now = new Date()): Promise<number> {
    const weekAgo = new Date(now.getTime() - CIRCLE_DIGEST_PERIOD_MS);
    // The claim: one upsert moves each due person's week on; a row another process moved first no
    // longer matches the WHERE (PostgreSQL re-checks it after waiting for that process's row lock).
    const claimed = await manager.query<{ user_id: string; since: Date | null }[]>(
      `INSERT INTO circle_digest_state AS s (user_id, last_digest_at)
       SELECT u.id, $1 FROM users u LEFT JOIN circle_digest_state d ON d.user_id = u.id
        WHERE u.active AND (d.user_id IS NULL OR d.last_digest_at <= $2)
        ORDER BY d.last_digest_at NULLS FIRST, u.id LIMIT $3
       ON CONFLICT (user_id) DO UPDATE SET previous_digest_at = s.last_digest_at, last_digest_at = EXCLUDED.last_digest_at
        WHERE s.last_digest_at <= $2
       RETURNING s.user_id, s.previous_digest_at AS since`,
      [now, weekAgo, CIRCLE_DIGEST_BATCH],
    );
    let sent = 0;
    for (const { user_id: userId, since } of claimed)
      if (await this.sendOne(manager, userId, since ?? weekAgo, now)) sent += 1;
    return sent;
  }

  private async sendOne(manager: EntityManager, userId: string, since: Date, until: Date): Promise<boolean> {
    const params = [userId, since, until];
    const [counts] = await manager.query<{ stories: number; asks: number }[]>(
      `SELECT count(*) FILTER (WHERE p.kind = 'story')::int AS stories, count(*) FILTER (WHERE p.kind = 'ask')::int AS asks
         FROM users u JOIN circles c ON ${MEMBER_SQL} JOIN circle_posts p ON p.circle_id = c.id
        WHERE u.id = $1 AND ${COVERED}`,
      params,
    );
    if (counts.stories + counts.asks === 0) return false;
    const items = await manager.query<DigestItem[]>(
      `SELECT p.id, p.kind, p.title, c.name AS circle, a.display_name AS author
         FROM users u JOIN circles c ON ${MEMBER_SQL} JOIN circle_posts p ON p.circle_id = c.id
         JOIN users a ON a.id = p.author_id
        WHERE u.id = $1 AND ${COVERED} ORDER BY p.created_at DESC, p.id DESC LIMIT ${CIRCLE_DIGEST_ITEMS}`,
      params,
    );
    const [person] = await manager.query<{ id: string; email: string; displayName: string }[]>(
      'SELECT id, email, display_name AS "displayName" FROM users WHERE id = $1',
      [userId],
    );
    const summary = [
      counts.stories && countOf(counts.stories, 'new story', 'new stories'),
      counts.asks && countOf(counts.asks, 'open ask', 'open asks'),
    ]
      .filter(Boolean)
      .join(' and ');
    const label = (i: DigestItem) => `${i.kind === 'story' ? 'Story' : 'Ask'} in ${i.circle}: ${i.title}`;
    const lines = items.map((i) => `- ${label(i)} (${i.author})\n  ${this.baseUrl}/circles/posts/${i.id}`);
    const more = counts.stories + counts.asks - items.length;
    const unsubscribe = `${this.baseUrl}/notifications/unsubscribe/${this.notifications.unsubscribeToken(userId)}`;
    await notify(manager, this.baseUrl, {
      to: person,
      kind: 'circle_digest',
      title: `This week in your circles: ${summary}`,
      body: items
        .slice(0, 5)
        .map(label)
        .join(' · ')
        .concat(items.length > 5 || more > 0 ? ' · and more' : '')
        .replace(/[\r\n]+/g, ' '),
      link: '/circles',
      emailText:
        `Hello ${person.displayName},\n\nNew in your circles since your last digest: ${summary}.\n\n` +
        `${lines.join('\n\n')}\n${more > 0 ? `\n…and ${formatCount(more)} more on ${this.baseUrl}/circles\n` : ''}` +
        `\nStop these weekly emails: ${unsubscribe}\n`,
      emailHeaders: {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    return true;
  }
}
