import { issue } from '@digitalbazaar/vc';
import type { DataIntegrityProofJson, Signed, UnsignedCredential } from './credential-types';
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
  const signed = (await issue({
    credential: structuredClone(unsigned),
    suite: signingSuite(key, options.now ?? new Date()),
    documentLoader,
  })) as T & { proof: DataIntegrityProofJson | DataIntegrityProofJson[] };
  // The proof is not part of what is signed, so making it a one-item set changes nothing it proves.
  return { ...signed, proof: Array.isArray(signed.proof) ? signed.proof : [signed.proof] };
}
