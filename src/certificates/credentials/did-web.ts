import { DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from './contexts';
import { publicPartOf, type PublicIssuerKey } from './issuer-keys';

/**
 * The did:web DID of a site, per the did:web method: the host (with its port percent-encoded,
 * `%3A`), then each path segment after a `:`. https://academy.example.org/org/academy becomes
 * did:web:academy.example.org:org:academy; http://127.0.0.1:3000 becomes did:web:127.0.0.1%3A3000.
 */
export function didWebFromBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  // The URL's path is already percent-encoded: decode each segment before encoding it for the DID.
  const segments = url.pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => encodeURIComponent(decodeURIComponent(segment)));
  return ['did:web', encodeURIComponent(url.host), ...segments].join(':');
}

/**
 * Where did:web resolution fetches the DID document, as a path of this app (the app sees paths
 * without BASE_URL's own path, which the proxy strips): /.well-known/did.json for a bare host,
 * /did.json when BASE_URL has a path (resolvers then ask for https://host/<path>/did.json).
 */
export function didDocumentAppPath(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '') === '' ? '/.well-known/did.json' : '/did.json';
}

/** The public URL of the DID document: what a did:web resolver fetches (always over HTTPS). */
export function didDocumentUrl(did: string): string {
  const [, , host, ...segments] = did.split(':');
  const path = segments.length
    ? `${segments.map(decodeURIComponent).join('/')}/did.json`
    : '.well-known/did.json';
  return `https://${decodeURIComponent(host)}/${path}`;
}

export interface DidDocument {
  '@context': [typeof DID_V1_CONTEXT_URL, typeof MULTIKEY_V1_CONTEXT_URL];
  id: string;
  alsoKnownAs?: string[];
  verificationMethod: (PublicIssuerKey & { type: 'Multikey' })[];
  assertionMethod: string[];
}

/**
 * The DID document: every key the issuer ever signed with (Multikey, each listed under
 * assertionMethod), so credentials signed before a rotation keep verifying. `alsoKnownAs` names
 * the issuer's earlier identifiers (its /issuer URL), so lists signed under the DID still count
 * for credentials issued under the old id.
 */
export function buildDidDocument(
  did: string,
  keys: readonly PublicIssuerKey[],
  alsoKnownAs: readonly string[] = [],
): DidDocument {
  if (keys.length === 0) throw new Error('A DID document needs at least one key');
  const ids = new Set<string>();
  for (const key of keys) {
    if (key.controller !== did || !key.id.startsWith(`${did}#`)) {
      throw new Error(`Key ${key.id} does not belong to ${did}`);
    }
    if (ids.has(key.id)) throw new Error(`Key ${key.id} is listed twice`);
    ids.add(key.id);
  }
  return {
    '@context': [DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL],
    id: did,
    ...(alsoKnownAs.length > 0 && { alsoKnownAs: [...alsoKnownAs] }),
    verificationMethod: keys.map((key) => ({ ...publicPartOf(key), type: 'Multikey' as const })),
    assertionMethod: keys.map((key) => key.id),
  };
}
