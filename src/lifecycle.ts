import type { Server } from 'node:http';
import type { Logger } from 'pino';

/** Resources closed in order once the HTTP server has drained (workers, pool, embedded database). */
export type Closer = { name: string; close: () => Promise<void> | void };

/** While draining, kept-alive connections are closed this soon after their last response. */
const IDLE_SWEEP_MS = 100;

/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish, then close the
 * resources in order. After `timeoutMs` the remaining connections are cut so a hung request cannot
 * keep the process alive. Resolves true when everything drained in time.
 */
export async function shutdownGracefully(
  server: Server,
  closers: Closer[],
  { timeoutMs, logger }: { timeoutMs: number; logger: Logger },
): Promise<boolean> {
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
