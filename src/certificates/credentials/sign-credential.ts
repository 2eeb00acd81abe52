import { issue } from '@digitalbazaar/vc';
import type { Signed, UnsignedCredential } from './credential-types';
import type { IssuerSigningKey } from './issuer-keys';
import { idOf, type DocumentLoader } from './json-ld';
import { signingSuite } from './proof-suite';

/**
 * Adds an eddsa-rdfc-2022 DataIntegrityProof (proofPurpose assertionMethod). Canonicalisation runs
 * in JSON-LD safe mode, so a field that none of the credential's contexts defines makes this throw
 * instead of being silently left out of the signature.
 */
export async function signCredential<T extends UnsignedCredential>(
  unsigned: T,
  key: IssuerSigningKey,
  documentLoader: DocumentLoader,
  options: { now?: Date } = {},
): Promise<Signed<T>> {
  const issuerId = idOf(unsigned.issuer);
  if (issuerId !== key.controller) {
    throw new Error(`Key ${key.id} belongs to ${key.controller}, not to the credential's issuer ${issuerId}`);
  }
  const signed = await issue({
    credential: structuredClone(unsigned),
    suite: signingSuite(key, options.now ?? new Date()),
    documentLoader,
  });
  return signed as Signed<T>;
}
