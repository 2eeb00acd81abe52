import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Request, RequestHandler } from 'express';
import { sessionLayer } from './session-middleware';
import { saveWithoutResurrecting } from './session-writes';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';

export interface SessionSetup {
  middleware: RequestHandler;
  store: session.Store;
  close(): void;
}

/** `__Host-` binds the cookie to this exact host and path, and is only allowed on Secure cookies. */
export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-academy.sid' : 'academy.sid';
}

/**
 * Sessions live in PostgreSQL (table "sessions"), so every app process sees the same ones.
 * The cookie expires after the idle timeout (renewed while the person is active, see renewWhenDue);
 * the absolute lifetime is enforced separately from the sign-in time.
 */
export function createSessionMiddleware(
  config: Pick<Config, 'sessionSecret' | 'secureCookies' | 'sessionIdleMs'>,
  pool: Pool,
  { pruneIntervalSeconds, logger }: { pruneIntervalSeconds: number | false; logger: Logger },
): SessionSetup {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: pruneIntervalSeconds,
    errorLog: (message: string, error: unknown) => logger.warn({ err: error }, message),
  });
  saveWithoutResurrecting(store, pool, logger);
  const layer = sessionLayer({
    store,
    name: sessionCookieName(config),
    secret: config.sessionSecret,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: '/',
      maxAge: config.sessionIdleMs,
    },
    logger,
  });
  const middleware: RequestHandler = (req, res, next) =>
    layer(req, res, (error?: unknown) => {
      if (!error) renewWhenDue(req, config.sessionIdleMs);
      next(error);
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

/** How often an active session's expiry moves forward (its cookie re-issued, its row saved). */
const RENEW_EVERY_MS = 60_000;

/**
 * Sessions expire after the idle timeout. Moving the expiry on every request would sign and send a
 * new cookie, and write the stored expiry, each time; the expiry only needs to follow activity to
 * within a minute. So once a minute a request marks its session changed: the session layer then
 * saves it (new stored expiry) and sends the cookie with the new expiry.
 */
function renewWhenDue(req: Request, idleMs: number): void {
  const expires = req.session?.cookie.expires;
  if (!expires) return;
  // A new session's cookie expires a whole idle timeout from now, so it is never due.
  const issuedAt = expires.getTime() - idleMs;
  if (Date.now() - issuedAt >= RENEW_EVERY_MS) req.session.renewedAt = Date.now();
}
