import { asError } from '../web/errors';
import type { Request } from 'express';
import type { SessionUser } from './session-user';

/**
 * Starts a signed-in session. passport regenerates the session id (no fixation) and the sign-in
 * time is recorded for the absolute lifetime.
 */
export function startSession(req: Request, user: SessionUser): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logIn(user, (error) => {
      if (error) return reject(asError(error));
      req.session.signedInAt = Date.now();
      resolve();
    });
  });
}

/** Signs out and deletes the session row itself, not just its contents. */
export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logout((logoutError) => {
      if (logoutError) return reject(asError(logoutError));
      req.session.destroy((destroyError) => (destroyError ? reject(asError(destroyError)) : resolve()));
    });
  });
}
