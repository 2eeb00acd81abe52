import { CONTROLLER_TERMS_CONTEXT, MULTIKEY_V1_CONTEXT_URL, OPEN_BADGES_V3_CONTEXT_URL } from './contexts';
import { publicPartOf, type PublicIssuerKey } from './issuer-keys';

/** The issuing organisation. Its id is its DID (credentials issued before the DID: its /issuer URL). */
export interface IssuerProfile {
  id: string;
  name: string;
  url: string;
  /** A contact address shown in credentials, when set. */
  email?: string;
  /** The logo's URL, shown as the Profile's image, when set. */
  imageUrl?: string;
}

export interface VerificationMethod extends PublicIssuerKey {
  type: 'Multikey';
}

export interface IssuerDocument {
  '@context': [string, string, typeof CONTROLLER_TERMS_CONTEXT];
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  alsoKnownAs?: string[];
  verificationMethod: VerificationMethod[];
  assertionMethod: string[];
}

/**
 * The JSON served at the issuer id: an Open Badges Profile that is also the controller document
 * listing every key allowed to sign credentials. Pass every key whose credentials should still
 * verify (old and new); leave out a key only to invalidate everything it signed. Only public key
 * fields are copied, whatever is passed in.
 */
export function buildIssuerDocument(
  issuer: IssuerProfile,
  keys: readonly PublicIssuerKey[],
  alsoKnownAs: readonly string[] = [],
): IssuerDocument {
  if (keys.length === 0) throw new Error('An issuer document needs at least one key');
  const ids = new Set<string>();
  for (const key of keys) {
    if (key.controller !== issuer.id || !key.id.startsWith(`${issuer.id}#`)) {
      throw new Error(`Key ${key.id} does not belong to issuer ${issuer.id}`);
    }
    if (ids.has(key.id)) throw new Error(`Key ${key.id} is listed twice`);
    ids.add(key.id);
  }
  return {
    '@context': [OPEN_BADGES_V3_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL, CONTROLLER_TERMS_CONTEXT],
    id: issuer.id,
    type: ['Profile'],
    name: issuer.name,
    url: issuer.url,
    ...(alsoKnownAs.length > 0 && { alsoKnownAs: [...alsoKnownAs] }),
    verificationMethod: keys.map((key) => ({ ...publicPartOf(key), type: 'Multikey' })),
    assertionMethod: keys.map((key) => key.id),
  };
}
