import type { DataSource } from 'typeorm';
import type { VerificationChannel } from './certificate.entities';

/**
 * Counts public looks at certificates in memory and writes them in batches, so a busy public page
 * does not cost a database write per request. A crash loses at most one interval of counts.
 */
export class VerificationCounter {
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly flushEveryMs = 5_000,
  ) {}

  count(certificateId: string, channel: VerificationChannel): void {
    const key = `${certificateId}|${channel}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushEveryMs).unref();
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch.entries()].map(([key, n]) => [...key.split('|'), n] as const);
    await this.dataSource.query(
      `INSERT INTO certificate_verifications (certificate_id, day, channel, count)
       SELECT id, current_date, channel, n FROM unnest($1::uuid[], $2::text[], $3::int[]) AS t(id, channel, n)
       ON CONFLICT (certificate_id, day, channel)
       DO UPDATE SET count = certificate_verifications.count + EXCLUDED.count`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  }
}
