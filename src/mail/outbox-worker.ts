import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { OutboxMessage } from './outbox-message.entity';

/** What the worker needs from a mail transport; nodemailer's transporter fits, and so do test doubles. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

export const MAX_SEND_ATTEMPTS = 8;

/** Minutes to wait before attempt n+1: 1, 2, 4, … capped at six hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2 ** Math.max(attempts - 1, 0), 360) * 60_000;
}

/**
 * Delivers queued outbox messages. Rows are claimed with FOR UPDATE SKIP LOCKED, so several app
 * processes can run workers on one database without sending a message twice.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  /** Sends up to `limit` due messages; returns how many were sent. */
  async deliverDue(limit = 20): Promise<number> {
    // Not withTransaction: this transaction spans sending, so a rerun could send a message twice.
    // An aborted round leaves its messages queued for the next round instead.
    return this.dataSource.transaction(async (manager) => {
      const due = await manager
        .createQueryBuilder(OutboxMessage, 'message')
        .where('message.status = :status AND message.next_attempt_at <= now()', { status: 'queued' })
        .orderBy('message.created_at', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      let sent = 0;
      for (const message of due) {
        try {
          await this.transport.sendMail({
            from: this.from,
            to: message.toAddress,
            subject: message.subject,
            text: message.bodyText,
            headers: message.headers,
          });
          await manager.update(OutboxMessage, message.id, {
            status: 'sent',
            sentAt: new Date(),
            attempts: message.attempts + 1,
            lastError: null,
          });
          sent += 1;
        } catch (error) {
          const attempts = message.attempts + 1;
          const lastError = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
          this.logger.warn({ outboxId: message.id, attempts, err: lastError }, 'email send failed');
          await manager.update(OutboxMessage, message.id, {
            attempts,
            lastError,
            status: attempts >= MAX_SEND_ATTEMPTS ? 'failed' : 'queued',
            nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)),
          });
        }
      }
      return sent;
    });
  }

  start(intervalMs = 5000): void {
    const tick = () => {
      this.running = this.deliverDue()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox delivery round failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
