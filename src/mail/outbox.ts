import type { EntityManager } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, such as List-Unsubscribe. */
  headers?: Record<string, string>;
}

/** Line breaks and other control characters in a value, collapsed to single spaces. */
export function oneLine(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ');
}

/**
 * Template tag for email subjects and bodies: every interpolated value (names, titles, links) is put
 * on one line, so text someone typed can never add lines, headers or a fake message to our mail. The
 * template's own line breaks stay.
 */
export function mailText(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((text, part, i) => text + part + (i < values.length ? oneLine(values[i]) : ''), '');
}

/**
 * Queues an email in the same transaction as the change that caused it. Delivery happens later in
 * the outbox worker, so a slow or broken mail server never blocks or fails a request.
 */
export async function queueEmail(manager: EntityManager, message: EmailMessage): Promise<void> {
  if (/[\r\n]/.test(message.to)) throw new Error('an email address with a line break');
  await manager.insert(OutboxMessage, {
    toAddress: message.to,
    // A header is one line whatever went into it; nodemailer encodes what is left.
    subject: oneLine(message.subject),
    bodyText: message.text,
    headers: message.headers ?? {},
  });
}
