import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { saveSessionBeforeRedirect } from '../../src/web/save-before-redirect';

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
    app.use(session({ store, secret: 'x'.repeat(32), resave: false, saveUninitialized: false }));
    app.use(saveSessionBeforeRedirect);
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

      const anonymous = await headersArrivedAt(port, '/anonymous');
      expect(anonymous.status).toBe(303);
      expect(store.savedAt).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
