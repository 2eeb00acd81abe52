import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import pino from 'pino';
import { saveSessionBeforeRedirect } from '../../src/web/save-before-redirect';
import { sessionLayer } from '../../src/web/session-middleware';

/** A session store whose writes are slow, like a busy database. */
class SlowStore extends session.MemoryStore {
  savedAt: number[] = [];
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    setTimeout(() => {
      super.set(sid, data, (error?: unknown) => {
        this.savedAt.push(Date.now());
        callback?.(error);
      });
    }, 200);
  }
}

function headersArrivedAt(port: number, path: string): Promise<{ at: number; status: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        const at = Date.now();
        res.resume();
        res.on('end', () => resolve({ at, status: res.statusCode ?? 0 }));
      })
      .on('error', reject);
  });
}

describe('redirects after a session change', () => {
  it('are sent only once the session is stored, so the next page sees the change', async () => {
    const store = new SlowStore();
    const app = express();
    const logger = pino({ level: 'silent' });
    app.use(sessionLayer({ store, name: 'sid', secret: 'x'.repeat(32), cookie: { path: '/' }, logger }));
    app.use(saveSessionBeforeRedirect(logger));
    app.get('/sign-in', (req, res) => {
      (req.session as unknown as Record<string, unknown>).flash = [{ kind: 'success', text: 'Welcome' }];
      res.redirect(303, '/next');
    });
    app.get('/anonymous', (_req, res) => res.redirect(303, '/next'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await headersArrivedAt(port, '/sign-in');
      expect(response.status).toBe(303);
      expect(store.savedAt).toHaveLength(1);
      expect(response.at).toBeGreaterThanOrEqual(store.savedAt[0]);
      // Saved once: the end of the response finds nothing new to store.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(store.savedAt).toHaveLength(1);

      const anonymous = await headersArrivedAt(port, '/anonymous');
      expect(anonymous.status).toBe(303);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(store.savedAt).toHaveLength(1); // nothing was put in that session: nothing stored
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
