import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config';

export interface SessionSetup {
  middleware: RequestHandler;
  store: session.Store;
  close(): void;
}

/**
 * Sessions live in PostgreSQL (table "sessions"), so every app process sees the same ones.
 * The cookie expires after the idle timeout (renewed on each request); the absolute lifetime is
 * enforced separately from the sign-in time.
 */
export function createSessionMiddleware(
  config: Pick<Config, 'sessionSecret' | 'secureCookies' | 'sessionIdleMs'>,
  pool: Pool,
  { pruneIntervalSeconds }: { pruneIntervalSeconds: number | false },
): SessionSetup {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: pruneIntervalSeconds,
  });
  throttleTouches(store);
  const middleware = session({
    store,
    name: config.secureCookies ? '__Host-academy.sid' : 'academy.sid',
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: '/',
      maxAge: config.sessionIdleMs,
    },
  });
  return { middleware, store, close: () => store.close() };
}

/** Ends sessions older than the absolute lifetime, however active they were. */
export function enforceAbsoluteLifetime(maxMs: number): RequestHandler {
  return (req, _res, next) => {
    const signedInAt = req.session?.signedInAt;
    if (!req.user || (signedInAt && Date.now() - signedInAt <= maxMs)) return next();
    req.session.regenerate((error) => {
      req.user = undefined;
      next(error);
    });
  };
}

/** A session's stored expiry is extended at most this often (rolling sessions touch it per request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * With `rolling`, express-session calls store.touch (an UPDATE, so a WAL flush) on every request
 * of a signed-in person. The stored expiry only needs to follow the idle timeout to within a
 * minute, so each process writes it at most once a minute per session.
 */
function throttleTouches(store: session.Store): void {
  const touchedAt = new Map<string, number>();
  const touch = store.touch?.bind(store);
  if (!touch) return;
  store.touch = (sid, sess, done) => {
    const now = Date.now();
    if (now - (touchedAt.get(sid) ?? 0) < TOUCH_EVERY_MS) return done?.();
    if (touchedAt.size >= 50_000) touchedAt.delete(touchedAt.keys().next().value!);
    touchedAt.set(sid, now);
    touch(sid, sess, done);
  };
}
