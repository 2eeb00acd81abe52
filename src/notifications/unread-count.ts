import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import type { NotificationsService } from './notifications.service';

/** Change notices about someone's notifications (migration Notifications…): `notifications:<user id>`. */
export const NOTIFICATIONS_TOPIC = 'notifications';

/**
 * Puts the signed-in person's unread count in `res.locals.unreadNotifications` for the header.
 * With caching on (production), counts are kept per person until the database announces a change
 * to that person's notifications, so a page costs no extra query.
 */
export function unreadCountLocals(
  dataSource: DataSource,
  notifications: NotificationsService,
  caching: { feed: ChangeFeed; enabled: () => boolean },
): RequestHandler {
  const cache = new SharedCache<number>(caching.feed, NOTIFICATIONS_TOPIC, { max: 10_000, ttlMs: 300_000 });
  return async (req, res, next) => {
    res.locals.unreadNotifications = 0;
    if (!req.user || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const userId = req.user.id;
    const load = () => notifications.unreadCount(dataSource.manager, userId);
    res.locals.unreadNotifications = await (caching.enabled() ? cache.get(userId, load) : load());
    next();
  };
}
