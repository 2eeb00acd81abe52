import type pino from 'pino';
import http from 'node:http';
import { findFreePort } from '../../src/db/free-port';
import { startTestApp, type TestApp } from './app';

export interface RunningApp {
  /** The origin clients talk to, e.g. http://127.0.0.1:41234 (also the app's BASE_URL). */
  baseUrl: string;
  t: TestApp;
  close(): Promise<void>;
}

/**
 * The real app, on its own fresh database, listening on a free 127.0.0.1 port. The port is picked
 * first so BASE_URL (used in links, credential ids and key URLs) is the origin clients really open.
 */
export async function startListeningApp(
  env: Record<string, string> = {},
  { logger }: { logger?: pino.Logger } = {},
): Promise<RunningApp> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ env: { ...env, BASE_URL: baseUrl }, logger });
  const server = http.createServer(t.app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await t.close();
    throw error;
  }
  return {
    baseUrl,
    t,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}
