import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config';

export interface SessionSetup {
  middleware: RequestHandler;
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
  return { middleware, close: () => store.close() };
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
