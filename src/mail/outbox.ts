import type { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, such as List-Unsubscribe. */
  headers?: Record<string, string>;
}

/**
 * Queues an email in the same transaction as the change that caused it. Delivery happens later in
 * the outbox worker, so a slow or broken mail server never blocks or fails a request.
 */
export async function queueEmail(manager: EntityManager, message: EmailMessage): Promise<void> {
  await manager.insert(OutboxMessage, {
    toAddress: message.to,
    subject: message.subject,
    bodyText: message.text,
    headers: message.headers ?? {},
  });
}
