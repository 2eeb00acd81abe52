import type { Request, RequestHandler } from 'express';

const JSON_TYPES = ['application/json', 'application/ld+json', 'application/vc+ld+json', 'application/vc'];

/** True when the request asks for JSON rather than the HTML page (one URL answers both). */
export function wantsJson(req: Request): boolean {
  // Every JSON type we serve has "json" in its name: without it in Accept, the answer is HTML.
  if (!req.headers.accept?.includes('json')) return false;
  const best = req.accepts(['text/html', ...JSON_TYPES]);
  return typeof best === 'string' && best !== 'text/html';
}

/**
 * Documents a verifier or wallet on any origin reads: the issuer documents, status lists, signed
 * credentials, badge images and the issuer logo. `didPath` is where the DID document is served.
 */
export function openDocumentPaths(didPath: string): RegExp {
  const escaped = didPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(
    `^(?:${escaped}|/issuer|/status/[^/]+|/c/[^/]+/(?:credential\\.json|badge\\.(?:png|svg))` +
      `|/badges/[^/]+\\.(?:png|svg)|/static/img/[^/]+)$`,
  );
}

/** A request for an open document: one of those paths, or a certificate page asked for as JSON. */
export function isOpenDocumentRequest(req: Request, paths: RegExp): boolean {
  if (paths.test(req.path)) return true;
  return /^\/c\/[^/]+$/.test(req.path) && (req.method === 'OPTIONS' || wantsJson(req));
}

/**
 * Lets pages on other origins read open documents: `Access-Control-Allow-Origin: *` (which
 * browsers never combine with cookies) and `Cross-Origin-Resource-Policy: cross-origin`, and an
 * answer to CORS preflights. Mount it before the session middleware, which skips these requests.
 */
export function openToOtherOrigins(paths: RegExp): RequestHandler {
  return (req, res, next) => {
    if (!isOpenDocumentRequest(req, paths)) return next();
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    res.set('Access-Control-Expose-Headers', 'ETag, Content-Type');
    if (req.method !== 'OPTIONS') return next();
    res.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    res.set('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? 'Accept');
    res.set('Access-Control-Max-Age', '86400');
    res.set('Vary', 'Access-Control-Request-Headers');
    res.status(204).end();
  };
}
