import { asError } from '../web/errors';
import { addressKey } from '../web/address-key';
import passport, { type PassportStatic } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { AccountsService } from './accounts.service';
import type { SessionUser } from './session-user';
import { findActiveSessionUser } from './users';

/** A passport instance per app (not the global one), so several apps can live in one process. */
export function createPassport(dataSource: DataSource, accounts: AccountsService): PassportStatic {
  const instance = new passport.Passport() as unknown as PassportStatic;
  instance.use(
    new LocalStrategy({ usernameField: 'email', passReqToCallback: true }, (req, email, password, done) => {
      const ip = addressKey(req.ip);
      const clientGone = new AbortController();
      // 'close' before the response is written means the person hung up (or timed out) while this
      // sign-in waited for a password-hashing slot.
      if (req.socket.destroyed) clientGone.abort();
      else req.res?.once('close', () => clientGone.abort());
      // No transaction: sign-in needs none, and holding a pooled connection while the throttle
      // (which takes its own connections from the same pool) and Argon2 run let a burst of
      // sign-ins as large as the pool deadlock it until the connect timeout (503 for everyone).
      accounts
        .signIn(dataSource.manager, email.trim().toLowerCase(), password, ip, clientGone.signal)
        .then((user) => done(null, user), done);
    }),
  );
  instance.serializeUser((user, done) => done(null, user.id));
  return instance;
}

/** Runs the local strategy; rejects with the service's error (wrong credentials, throttled). */
export function authenticateLocal(
  instance: PassportStatic,
  req: Request,
  res: Response,
): Promise<SessionUser> {
  return new Promise((resolve, reject) => {
    const handler = instance.authenticate(
      'local',
      { session: false },
      (error: unknown, user: SessionUser | false) => {
        if (error) return reject(asError(error));
        if (!user) return reject(new Error('sign-in produced no user'));
        resolve(user);
      },
    ) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
    handler(req, res, (error) => reject(asError(error)));
  });
}

/**
 * Does what passport.initialize() does for every request (puts `logIn`, `logOut` and the session
 * manager on it), once, on the app's request prototype: the same functions for every request, without
 * assigning them to each one.
 */
export function extendRequests(requestPrototype: Request, instance: PassportStatic): void {
  instance.initialize({ compat: false })(requestPrototype, {} as Response, () => undefined);
}

/**
 * Does what passport.session() does, without passport's per-request strategy object: the person
 * whose id the session holds becomes `req.user`, fresh from the database on every request (read
 * with the session itself, see session-with-user.ts), so role changes apply at once; a session
 * whose person is gone or deactivated loses its sign-in.
 */
export function restoreSignedInPerson(dataSource: DataSource): RequestHandler {
  return (req, _res, next) => {
    const signIn = (req.session as { passport?: { user?: unknown } } | undefined)?.passport;
    const id = signIn?.user;
    if (typeof id !== 'string') return next();
    const settle = (user: SessionUser | null | undefined) => {
      if (user) req.user = user;
      else delete signIn!.user;
      next();
    };
    const read = req.sessionUser;
    if (read === null || read?.id === id) return settle(read);
    findActiveSessionUser(dataSource.manager, id).then(settle, next);
  };
}
