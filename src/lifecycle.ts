import type { Server } from 'node:http';
import type { Logger } from 'pino';

/** Resources closed in order once the HTTP server has drained (workers, pool, embedded database). */
export type Closer = { name: string; close: () => Promise<void> | void };

/** While draining, kept-alive connections are closed this soon after their last response. */
const IDLE_SWEEP_MS = 100;
/** How often to look again whether work left behind by closed connections has finished. */
const BUSY_POLL_MS = 10;

export interface ShutdownOptions {
  timeoutMs: number;
  logger: Logger;
  /**
   * True while work started by a request is still going (a query holding a pooled connection, a
   * sign-in waiting for a hashing slot). A handler keeps running after its client hangs up, and the
   * server counts as drained as soon as the last connection closes: without this wait the pool
   * would end under those handlers.
   */
  busy?: () => boolean;
}

/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish, then close the
 * resources in order. After `timeoutMs` the remaining connections are cut so a hung request cannot
 * keep the process alive. Resolves true when everything drained in time.
 */
export async function shutdownGracefully(
  server: Server,
  closers: Closer[],
  { timeoutMs, logger, busy = () => false }: ShutdownOptions,
): Promise<boolean> {
  const deadlineAt = Date.now() + timeoutMs;
  let drainedInTime = true;
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A connection kept alive after its last response would hold the drain open until the client or
  // keepAliveTimeout closes it (seconds): close each one as soon as it becomes idle.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      drainedInTime = false;
      logger.warn(
        { timeoutMs },
        'requests still running at the shutdown deadline; closing their connections',
      );
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
  });
  await Promise.race([drained, deadline]);
  clearTimeout(timer);
  clearInterval(sweep);
  while (busy() && Date.now() < deadlineAt) await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
  if (busy()) {
    drainedInTime = false;
    logger.warn({ timeoutMs }, 'work still running at the shutdown deadline; closing resources under it');
  }
  for (const closer of closers) {
    try {
      await closer.close();
    } catch (error) {
      drainedInTime = false;
      logger.error({ err: error, resource: closer.name }, 'could not close cleanly');
    }
  }
  return drainedInTime;
}
