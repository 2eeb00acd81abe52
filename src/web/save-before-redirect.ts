import type { RequestHandler } from 'express';
import { sessionChanged } from './session-middleware';

/**
 * The session layer saves a changed session as the response ends; a redirect ends at once, and a
 * fast browser could request the next page before a sign-in or a flash message is stored. Saving
 * first, then redirecting, closes that race.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  if (!req.session) return next(); // the anonymous fast path has none
  const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
  res.redirect = (statusOrUrl: number | string, maybeUrl?: string) => {
    const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl!] : [302, statusOrUrl];
    if (!req.session || !sessionChanged(req)) return redirect(status, url);
    req.session.save((error) => (error ? next(error) : redirect(status, url)));
  };
  next();
};
