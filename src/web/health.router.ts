import { Router } from 'express';
import type { DataSource } from 'typeorm';

/** Every path this router serves (for onlyFor in app.ts). */
export const HEALTH_PATHS = /^\/(healthz|readyz)\/?$/i;

/** /healthz: the process answers. /readyz: it can reach its database right now. */
export function healthRouter(dataSource: DataSource, readyTimeoutMs = 2000): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
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
