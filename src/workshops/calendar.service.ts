import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { hashToken, newToken } from '../accounts/tokens';
import { recordAudit } from '../audit/audit';
import { NotFound } from '../web/errors';
import type { CalendarEvent } from './ics';
import { CalendarFeed, Workshop, WorkshopRegistration } from './workshop.entities';

/** More events for a person's feed from another feature (e.g. the gatherings they said yes to). */
export type FeedSource = (manager: EntityManager, userId: string) => Promise<CalendarEvent[]>;

/** Private, revocable calendar feeds of the workshops a person is registered for (and other features' events). */
export class CalendarService {
  constructor(private readonly sources: FeedSource[] = []) {}

  /** Creates a feed (replacing any earlier one, whose link stops working); returns the secret token. */
  async createFeed(manager: EntityManager, actor: SessionUser | undefined): Promise<string> {
    const user = assertSignedIn(actor);
    const { token, tokenHash } = newToken();
    // One statement, not delete-then-insert: two requests at once (a double click) both inserted
    // after both deleted nothing, and the second failed on the key. The later one's link wins.
    await manager.query(
      `INSERT INTO calendar_feeds (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [user.id, tokenHash],
    );
    await recordAudit(manager, {
      actorId: user.id,
      action: 'calendar.feed_created',
      subjectType: 'user',
      subjectId: user.id,
    });
    return token;
  }

  async revokeFeed(manager: EntityManager, actor: SessionUser | undefined): Promise<void> {
    const user = assertSignedIn(actor);
    await manager.delete(CalendarFeed, { userId: user.id });
    await recordAudit(manager, {
      actorId: user.id,
      action: 'calendar.feed_revoked',
      subjectType: 'user',
      subjectId: user.id,
    });
  }

  async hasFeed(manager: EntityManager, userId: string): Promise<boolean> {
    return manager.exists(CalendarFeed, { where: { userId } });
  }

  /** Every event behind a feed token: the workshops with a seat, then the other sources' events, by start. */
  async feedEvents(manager: EntityManager, token: string, baseUrl: string): Promise<CalendarEvent[]> {
    const userId = await this.feedOwner(manager, token);
    const workshops = (await this.workshopsOf(manager, userId)).map((w) => ({
      ...w,
      url: `${baseUrl}/workshops/${w.id}`,
    }));
    const more: CalendarEvent[] = [];
    for (const source of this.sources) more.push(...(await source(manager, userId)));
    return [...workshops, ...more].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }

  private async feedOwner(manager: EntityManager, token: string): Promise<string> {
    const feed = await manager.findOne(CalendarFeed, {
      where: { tokenHash: hashToken(token), user: { active: true } },
    });
    if (!feed) throw new NotFound('This calendar link does not exist or was revoked.');
    return feed.userId;
  }

  /** The workshops behind a feed token where the person has a seat (cancelled ones stay, marked cancelled). */
  async feedWorkshops(manager: EntityManager, token: string): Promise<Workshop[]> {
    return this.workshopsOf(manager, await this.feedOwner(manager, token));
  }

  private async workshopsOf(manager: EntityManager, userId: string): Promise<Workshop[]> {
    const registrations = await manager.find(WorkshopRegistration, {
      where: { userId, status: 'registered' },
      relations: { workshop: true },
    });
    return registrations.map((r) => r.workshop!).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }
}
