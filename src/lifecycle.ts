import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { connectionsOf } from './web/http-server';

/** Resources closed in order once the HTTP server has drained (workers, pool, embedded database). */
export type Closer = { name: string; close: () => Promise<void> | void };

/** While draining, connections idle between requests are looked for this often. */
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
  /**
   * How long to keep accepting connections after the signal (readiness already answers 503), so a
   * load balancer notices before connections are refused, and connections clients already opened
   * (waiting in the accept queue) are served rather than reset.
   */
  acceptForMs?: number;
}

/**
 * Graceful shutdown: keep accepting for `acceptForMs` (answering with `Connection: close`), then
 * stop accepting; let requests already accepted finish; close connections only once they are idle
 * between requests; then close the resources in order. After `timeoutMs` the remaining connections
 * are cut (logged, with the requests cut) so a hung request cannot keep the process alive.
 * Resolves true when everything drained in time.
 */
export async function shutdownGracefully(
  server: Server,
  closers: Closer[],
  { timeoutMs, logger, busy = () => false, acceptForMs = 0 }: ShutdownOptions,
): Promise<boolean> {
  const deadlineAt = Date.now() + timeoutMs;
  let drainedInTime = true;
  const connections = connectionsOf(server);
  // Every answer from now on closes its connection. Kept-alive connections that sit idle are left
  // open while new connections are still accepted: a client may be sending on one right now, and
  // closing it under that request would reset it. Any answer on it closes it.
  connections.startDraining();
  if (acceptForMs > 0) await new Promise((resolve) => setTimeout(resolve, acceptForMs));
  // After one more turn of the event loop, so connections already queued are accepted, not reset.
  await new Promise((resolve) => setImmediate(resolve));
  connections.closeIdleBetweenRequests();
  const sweep = setInterval(() => connections.closeIdleBetweenRequests(), IDLE_SWEEP_MS);
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(
      () => {
        drainedInTime = false;
        logger.warn(
          { timeoutMs, cut: connections.unfinished() },
          'requests still running at the shutdown deadline; closing their connections',
        );
        server.closeAllConnections();
        resolve();
      },
      Math.max(0, deadlineAt - Date.now()),
    );
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
