import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/** PostgreSQL's "try again" failures: a deadlock it broke, or a serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/** Whether `error` is a transaction PostgreSQL aborted so that it can be tried again. */
export function isRetryableConflict(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    RETRYABLE.has((error.driverError as { code?: string } | undefined)?.code ?? '')
  );
}

/**
 * Runs `work` in one transaction (on a DataSource, or a manager outside a transaction); every
 * service call inside must use the manager it receives.
 * When PostgreSQL aborts it to break a deadlock (or a serialization failure), nothing of it was
 * kept, so it runs again, up to three times in all, after a short random pause: concurrent writers
 * of the kept report counts and summaries can meet in opposite orders. `work` must keep its effects
 * in the transaction (the outbox, not a direct email), as services do.
 */
export async function withTransaction<T>(
  source: DataSource | EntityManager,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await source.transaction(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 45 * attempt));
    }
  }
}
