import signature from 'cookie-signature';

/**
 * The session id from a request's Cookie header, if the named cookie is there and its signature is
 * ours. Same format as express-session (`s:<id>.<HMAC-SHA256>`, URI-encoded), so cookies it issued
 * stay valid. The first cookie of that name counts, as in the `cookie` package.
 */
export function readSignedSessionId(
  header: string | undefined,
  name: string,
  secret: string,
): string | undefined {
  const raw = header && cookieValue(header, name);
  if (!raw) return undefined;
  let value: string;
  try {
    value = raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return undefined; // malformed escapes: not a cookie we issued
  }
  if (!value.startsWith('s:')) return undefined;
  const id = signature.unsign(value.slice(2), secret);
  return id === false || id === '' ? undefined : id;
}

/** The value to put in the session cookie for `id`. */
export function signedSessionId(id: string, secret: string): string {
  return `s:${signature.sign(id, secret)}`;
}

function cookieValue(header: string, name: string): string | undefined {
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end && header.slice(start, eq).trim() === name) {
      const value = header.slice(eq + 1, end).trim();
      return value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
    start = end + 1;
  }
  return undefined;
}
