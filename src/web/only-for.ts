import type { RequestHandler } from 'express';

/**
 * Runs `router` (a feature's router) only for request paths `paths` matches. Express would
 * otherwise try each of that router's routes on every request that reaches it; one test is cheaper
 * for routers that sit in front of the pages read most. The router's routes stay visible (`stack`)
 * to tools that list the app's routes.
 */
export function onlyFor(paths: RegExp, router: RequestHandler & { stack?: unknown }): RequestHandler {
  const guarded: RequestHandler = (req, res, next) =>
    paths.test(req.path) ? router(req, res, next) : next();
  return Object.assign(guarded, { stack: router.stack });
}
