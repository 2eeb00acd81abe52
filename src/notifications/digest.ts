import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity';
import { queueEmail } from '../mail/outbox';
import { Notification } from './notification.entities';
import type { NotificationsService } from './notifications.service';
import { withTransaction } from '../db/transaction';
import { countOf } from '../web/format';

/** A digest goes out once the oldest notice waiting in it is this old: at most one a week. */
export const DIGEST_PERIOD_MS = 7 * 24 * 3_600_000;

/**
 * Weekly digest emails. Notices whose kind a person has set to "weekly digest" wait (digest =
 * 'pending'); once the oldest has waited a week, they go out together in one email carrying
 * one-click unsubscribe headers (RFC 8058). Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several app processes can run this at once without sending a notice twice.
 */
export class DigestSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly notifications: NotificationsService,
    private readonly baseUrl: string,
  ) {}

  /** Queues every digest that is due at `now`; returns how many emails were queued. */
  async sendDue(manager: EntityManager, now = new Date()): Promise<number> {
    const due = await manager.query<{ user_id: string }[]>(
      `SELECT user_id FROM notifications WHERE digest = 'pending'
        GROUP BY user_id HAVING min(created_at) <= $1`,
      [new Date(now.getTime() - DIGEST_PERIOD_MS)],
    );
    let sent = 0;
    for (const { user_id: userId } of due) if (await this.sendOne(manager, userId)) sent += 1;
    return sent;
  }

  private async sendOne(manager: EntityManager, userId: string): Promise<boolean> {
    const notices = await manager
      .createQueryBuilder(Notification, 'n')
      .where(`n.user_id = :userId AND n.digest = 'pending'`, { userId })
      .orderBy('n.created_at', 'ASC')
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    const person = await manager.findOneBy(User, { id: userId, active: true });
    if (!notices.length || !person) return false;
    const unsubscribe = `${this.baseUrl}/notifications/unsubscribe/${this.notifications.unsubscribeToken(userId)}`;
    const lines = notices.map((n) => `- ${n.title}\n  ${n.body}\n  ${this.baseUrl}${n.link}`);
    await queueEmail(manager, {
      to: person.email,
      subject: `Your week in Organizer Academy: ${countOf(notices.length, 'notice', 'notices')}`,
      text: `Hello ${person.displayName},\n\nWhat happened since your last digest:\n\n${lines.join('\n\n')}\n\nAll your notifications: ${this.baseUrl}/notifications\nChoose how you hear about each kind: ${this.baseUrl}/account/notifications\nStop these digests: ${unsubscribe}\n`,
      headers: {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    await manager.update(
      Notification,
      notices.map((n) => n.id),
      { digest: 'sent' },
    );
    return true;
  }

  /** Checks for due digests every `intervalMs` (hourly by default) until stopped. */
  start(dataSource: DataSource, logger: Logger, intervalMs = 3_600_000): void {
    const tick = () => {
      this.running = withTransaction(dataSource, (manager) => this.sendDue(manager))
        .catch((error: unknown) => logger.warn({ err: error }, 'digest round failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 60_000);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
