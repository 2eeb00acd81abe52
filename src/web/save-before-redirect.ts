import type { RequestHandler } from 'express';

/**
 * express-session saves the session while the response is ending, after the redirect headers are
 * out, so a fast browser can request the next page before a sign-in or a flash message is stored.
 * Saving first closes that race.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  if (!req.session) return next(); // the anonymous fast path has none
  const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
  res.redirect = (statusOrUrl: number | string, maybeUrl?: string) => {
    const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl!] : [302, statusOrUrl];
    const session = req.session as (typeof req.session & Record<string, unknown>) | undefined;
    const hasData = session && Object.keys(session).some((key) => key !== 'cookie');
    if (!hasData) return redirect(status, url);
    session.save((error) => (error ? next(error) : redirect(status, url)));
  };
  next();
};
