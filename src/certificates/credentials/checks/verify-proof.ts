import { CredentialIssuancePurpose } from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import type { DocumentLoader, JsonLdObject } from '../json-ld';
import { verifyingSuite } from '../proof-suite';

export type ProofVerification = { verified: true } | { verified: false; reason: string };

/**
 * Checks one document's proof: `verifyProof`, or a caller's stand-in that remembers its answers or
 * runs the work elsewhere. `signal`, when given, is the check's time budget: a verifier that runs
 * out of it throws rather than answering.
 */
export type ProofVerifier = (
  document: JsonLdObject,
  documentLoader: DocumentLoader,
  signal?: AbortSignal,
) => Promise<ProofVerification>;

/**
 * Checks the eddsa-rdfc-2022 proof and that its key is the issuer's assertion key. Dates are
 * left to our own validity check, which is why this is not @digitalbazaar/vc's verifyCredential.
 */
export async function verifyProof(
  document: JsonLdObject,
  documentLoader: DocumentLoader,
): Promise<ProofVerification> {
  const result = await jsigs.verify(document, {
    suite: verifyingSuite(),
    purpose: new CredentialIssuancePurpose(),
    documentLoader,
  });
  if (result.verified) return { verified: true };
  const message = result.error?.errors?.[0]?.message ?? result.error?.message ?? 'unknown error';
  return { verified: false, reason: explain(message) };
}

function explain(message: string): string {
  if (message === 'Invalid signature.') {
    return 'The signature does not match the contents: something was changed after it was signed.';
  }
  if (message.includes('Safe mode')) {
    return 'It contains fields its JSON-LD contexts do not define, so its signature cannot be checked.';
  }
  return `The signature could not be verified: ${message}`;
}
