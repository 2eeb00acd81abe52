import type { EntityManager } from 'typeorm';
import { mailText, queueEmail } from '../mail/outbox';
import { DEFAULT_DELIVERY, type Delivery, type NotificationKind } from './kinds';
import { Notification, NotificationPreference } from './notification.entities';

export interface Recipient {
  id: string;
  email: string;
  displayName: string;
}

export interface Notice {
  to: Recipient;
  kind: NotificationKind;
  /** One line: the notification's heading and the email's subject. */
  title: string;
  /** A sentence or two shown under the title in the app. */
  body: string;
  /** A path inside the app, such as /me/milestones/x. */
  link: string;
  /** The whole email, when it says more than the title, body and link; a plain one is built otherwise. */
  emailText?: string;
  /** Extra email headers (a weekly email carries one-click unsubscribe headers, RFC 8058). */
  emailHeaders?: Record<string, string>;
}

/** How `userId` wants to hear about `kind`. */
export async function deliveryFor(
  manager: EntityManager,
  userId: string,
  kind: NotificationKind,
): Promise<Delivery> {
  const preference = await manager.findOneBy(NotificationPreference, { userId, kind });
  return preference?.delivery ?? DEFAULT_DELIVERY;
}

/**
 * Tells a person something: a notification in their notification centre, plus an email now or a
 * line in their weekly digest, as they chose for this kind. Call inside the transaction of the
 * change it reports, so both commit or neither does. Any feature may call it.
 */
export async function notify(manager: EntityManager, baseUrl: string, notice: Notice): Promise<void> {
  const delivery = await deliveryFor(manager, notice.to.id, notice.kind);
  await manager.insert(Notification, {
    userId: notice.to.id,
    kind: notice.kind,
    title: notice.title.slice(0, 300),
    body: notice.body,
    link: notice.link,
    digest: delivery === 'digest' ? 'pending' : 'none',
  });
  if (delivery !== 'email') return;
  await queueEmail(manager, {
    to: notice.to.email,
    subject: notice.title,
    text:
      (notice.emailText ??
        mailText`Hello ${notice.to.displayName},\n\n${notice.body}\n\n${baseUrl}${notice.link}\n`) +
      `\nChoose how Organizer Academy tells you about this: ${baseUrl}/account/notifications\n`,
    headers: notice.emailHeaders,
  });
}
