import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AskEscalations } from './ask-escalations';
import type { CircleDigests } from './circle-digest';
import { withTransaction } from '../db/transaction';

/**
 * The periodic work of circles, run in every app process like the notification digests: escalate
 * asks left without a reply, then make the weekly circle digests that are due. Each step claims its
 * rows atomically in PostgreSQL, so processes running it at the same moment never repeat a notice.
 */
export class CareSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly escalations: AskEscalations,
    private readonly digests: CircleDigests,
  ) {}

  /** One round: each step in its own transaction, so a failing digest never undoes an escalation. */
  async round(dataSource: DataSource, now = new Date()): Promise<{ escalated: number; digests: number }> {
    const escalated = await withTransaction(dataSource, (m) => this.escalations.sweep(m, now));
    const digests = await withTransaction(dataSource, (m) => this.digests.sendDue(m, now));
    return { escalated, digests };
  }

  /** Runs a round every `intervalMs` (15 minutes by default) until stopped. */
  start(dataSource: DataSource, logger: Logger, intervalMs = 15 * 60_000): void {
    const tick = () => {
      this.running = this.round(dataSource)
        .catch((error: unknown) => logger.warn({ err: error }, 'circle care round failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 90_000);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
