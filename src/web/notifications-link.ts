import ejs from 'ejs';
import { formatCount } from './format';

/**
 * The header's link to a person's notifications, with the unread count when there is one. Made in
 * code (not in the view) so pages rendered once for many readers can put each reader's own link in.
 */
export function notificationsLinkHtml(unread: unknown): string {
  const count = typeof unread === 'number' && Number.isFinite(unread) && unread > 0 ? Math.floor(unread) : 0;
  if (!count) return '<a href="/notifications" class="notifications-link">Notifications</a>';
  const n = ejs.escapeXML(formatCount(count));
  return `<a href="/notifications" class="notifications-link" aria-label="Notifications, ${n} unread">Notifications <span class="count">${n}</span></a>`;
}
