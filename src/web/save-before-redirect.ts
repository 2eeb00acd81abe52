import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { changedBeyondMessages, dropSessionChange, sessionChanged } from './session-middleware';

/**
 * The session layer saves a changed session as the response ends; a redirect ends at once, and a
 * fast browser could request the next page before a sign-in or a flash message is stored. Saving
 * first, then redirecting, closes that race.
 *
 * When that save fails and only a message was added (the route's own write has committed by now),
 * the redirect still goes out and the failure is logged: answering "try again" for a write that
 * happened would invite a second submission. A failed save of anything more (a sign-in) fails the
 * request, since the person would not be signed in.
 */
export function saveSessionBeforeRedirect(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (!req.session) return next(); // the anonymous fast path has none
    const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
    res.redirect = (statusOrUrl: number | string, maybeUrl?: string) => {
      const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl!] : [302, statusOrUrl];
      if (!req.session || !sessionChanged(req)) return redirect(status, url);
      req.session.save((error) => {
        if (!error) return redirect(status, url);
        if (changedBeyondMessages(req)) return next(error);
        logger.warn(
          { err: error, url: req.originalUrl },
          'the request succeeded but its message could not be stored in the session; redirecting without it',
        );
        dropSessionChange(req);
        redirect(status, url);
      });
    };
    next();
  };
}
