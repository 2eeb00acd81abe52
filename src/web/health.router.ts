import { Router } from 'express';
import type { DataSource } from 'typeorm';

/** Every path this router serves (for onlyFor in app.ts). */
export const HEALTH_PATHS = /^\/(healthz|readyz)\/?$/i;

export interface HealthChecks {
  /** Why the process cannot recover by itself (its embedded database keeps failing), or undefined. */
  problem?: () => string | undefined;
  /** True once the process is shutting down: /readyz answers 503 so load balancers stop sending. */
  draining?: () => boolean;
}

/**
 * /healthz: the process answers and can recover by itself (503 otherwise: restart it).
 * /readyz: it can reach its database right now and is not shutting down.
 */
export function healthRouter(
  dataSource: DataSource,
  readyTimeoutMs = 2000,
  checks: HealthChecks = {},
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const problem = checks.problem?.();
    if (problem) res.status(503).json({ status: 'failing', message: problem });
    else res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (checks.draining?.()) {
      res.set('Connection', 'close');
      return void res.status(503).json({ status: 'draining', message: 'This process is shutting down.' });
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database check timed out')), readyTimeoutMs);
    });
    try {
      await Promise.race([dataSource.query('SELECT 1'), timeout]);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', message: 'The database cannot be reached.' });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
