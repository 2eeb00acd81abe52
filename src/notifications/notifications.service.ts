import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { NotFound } from '../web/errors';
import { DEFAULT_DELIVERY, NOTIFICATION_KINDS, type Delivery, type NotificationKind } from './kinds';
import { Notification, NotificationPreference } from './notification.entities';

export const PAGE_SIZE = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface NotificationPage {
  items: Notification[];
  /** The id to pass as `before` for the next (older) page, when there is one. */
  olderThan: string | null;
}

/** The notification centre: listing, marking read, preferences and digest unsubscribes. */
export class NotificationsService {
  constructor(private readonly secret: string) {}

  /** The person's notifications, newest first, PAGE_SIZE at a time (keyset: older than `before`). */
  async list(
    manager: EntityManager,
    actor: SessionUser | undefined,
    before?: string,
  ): Promise<NotificationPage> {
    const person = assertSignedIn(actor);
    const query = manager
      .createQueryBuilder(Notification, 'n')
      .where('n.user_id = :userId', { userId: person.id })
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(PAGE_SIZE + 1);
    if (before)
      query.andWhere(
        '(n.created_at, n.id) < (SELECT b.created_at, b.id FROM notifications b WHERE b.id = :before AND b.user_id = :userId)',
        { before },
      );
    const rows = await query.getMany();
    return {
      items: rows.slice(0, PAGE_SIZE),
      olderThan: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1].id : null,
    };
  }

  /** How many of the person's notifications are unread. */
  async unreadCount(manager: EntityManager, userId: string): Promise<number> {
    const [row] = await manager.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return row.n;
  }

  /** Marks one of the actor's notifications read. Throws NotFound for anyone else's. */
  async markRead(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<void> {
    const person = assertSignedIn(actor);
    const result = await manager
      .createQueryBuilder()
      .update(Notification)
      .set({ readAt: () => 'coalesce(read_at, now())' })
      .where('id = :id AND user_id = :userId', { id, userId: person.id })
      .execute();
    if (!result.affected) throw new NotFound('That notification does not exist.');
  }

  /** Marks every notification of the actor read (of one kind, when given); returns how many changed. */
  async markAllRead(
    manager: EntityManager,
    actor: SessionUser | undefined,
    kind?: NotificationKind,
  ): Promise<number> {
    const person = assertSignedIn(actor);
    const query = manager
      .createQueryBuilder()
      .update(Notification)
      .set({ readAt: () => 'now()' })
      .where('user_id = :userId AND read_at IS NULL', { userId: person.id });
    if (kind) query.andWhere('kind = :kind', { kind });
    return (await query.execute()).affected ?? 0;
  }

  /** The actor's delivery choice for every kind (defaults filled in). */
  async preferences(
    manager: EntityManager,
    actor: SessionUser | undefined,
  ): Promise<Record<NotificationKind, Delivery>> {
    const person = assertSignedIn(actor);
    const rows = await manager.findBy(NotificationPreference, { userId: person.id });
    const chosen = new Map(rows.map((row) => [row.kind, row.delivery]));
    return Object.fromEntries(
      NOTIFICATION_KINDS.map((kind) => [kind, chosen.get(kind) ?? DEFAULT_DELIVERY]),
    ) as Record<NotificationKind, Delivery>;
  }

  /** Saves the actor's choices; notices waiting for a digest of a kind no longer digested stay in the app only. */
  async setPreferences(
    manager: EntityManager,
    actor: SessionUser | undefined,
    choices: Record<NotificationKind, Delivery>,
  ): Promise<void> {
    const person = assertSignedIn(actor);
    await manager.upsert(
      NotificationPreference,
      NOTIFICATION_KINDS.map((kind) => ({ userId: person.id, kind, delivery: choices[kind] })),
      ['userId', 'kind'],
    );
    const notDigested = NOTIFICATION_KINDS.filter((kind) => choices[kind] !== 'digest');
    await this.dropPendingDigest(manager, person.id, notDigested);
  }

  /** The secret part of a digest's unsubscribe link for a person. */
  unsubscribeToken(userId: string): string {
    const mac = crypto
      .createHmac('sha256', this.secret)
      .update(`digest-unsubscribe:${userId}`)
      .digest('base64url');
    return `${userId}.${mac}`;
  }

  /** Whom an unsubscribe token belongs to; throws NotFound for a token we did not make. */
  personOfToken(token: string): string {
    const [userId = '', mac = ''] = token.split('.');
    if (!UUID.test(userId)) throw new NotFound('That unsubscribe link is not valid.');
    const expected = this.unsubscribeToken(userId).split('.')[1];
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected)))
      throw new NotFound('That unsubscribe link is not valid.');
    return userId;
  }

  /**
   * One-click unsubscribe (RFC 8058) from digest emails: every kind the person had digested, and the
   * weekly circle digest, becomes in-the-app only. Needs no sign-in: the token is the proof. Throws NotFound for a forged token.
   */
  async unsubscribeFromDigest(manager: EntityManager, token: string): Promise<void> {
    const userId = this.personOfToken(token);
    await manager.update(NotificationPreference, { userId, delivery: 'digest' }, { delivery: 'app' });
    // The weekly circle digest is a weekly email too, whichever way it was delivered.
    await manager.upsert(NotificationPreference, { userId, kind: 'circle_digest', delivery: 'app' }, [
      'userId',
      'kind',
    ]);
    await this.dropPendingDigest(manager, userId, [...NOTIFICATION_KINDS]);
  }

  private async dropPendingDigest(manager: EntityManager, userId: string, kinds: NotificationKind[]) {
    if (!kinds.length) return;
    await manager
      .createQueryBuilder()
      .update(Notification)
      .set({ digest: 'none' })
      .where(`user_id = :userId AND digest = 'pending' AND kind IN (:...kinds)`, { userId, kinds })
      .execute();
  }
}
