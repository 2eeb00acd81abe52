import type { RequestHandler } from 'express';
import type { ChangeFeed } from '../db/change-feed';

/**
 * Requests that may change data (anything but GET and HEAD, and the read-only certificate check)
 * empty this process's shared caches just before their response starts, so the next page a person
 * loads reflects what they just did. Other processes learn of it from the database's change notices.
 */
export function forgetCachesOnWrite(feed: ChangeFeed, readOnlyPosts: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || readOnlyPosts.has(req.path)) return next();
    // Node sends every response's headers through writeHead, also for res.end() without it.
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((...args: Parameters<typeof writeHead>) => {
      feed.changedAll();
      return writeHead(...args);
    }) as typeof res.writeHead;
    next();
  };
}
