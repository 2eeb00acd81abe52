import crypto from 'node:crypto';

/**
 * A weak ETag for a body kept in memory (the anonymous page caches), computed once per body.
 * Express's own per-response ETag is off (createApp): it hashed every dynamic page on every
 * request, and signed-in pages differ per person and visit anyway.
 */
export function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${crypto.createHash('sha1').update(body).digest('base64url')}"`;
}
