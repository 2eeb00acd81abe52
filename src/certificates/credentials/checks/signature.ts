import { isJsonObject, type DocumentLoader } from '../json-ld';
import { CRYPTOSUITE, PROOF_TYPE } from '../proof-suite';
import { failed, passed, type CheckResult } from './check-result';
import { proofOf } from './proof-of';
import { verifyProof, type ProofVerifier } from './verify-proof';

export async function checkSignature(
  credential: unknown,
  documentLoader: DocumentLoader,
  issuerKey: CheckResult,
  verify: ProofVerifier = verifyProof,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const proof = proofOf(credential);
  if (!isJsonObject(credential) || !proof) return failed('signature', 'The credential is not signed.');
  if (proof.type !== PROOF_TYPE || proof.cryptosuite !== CRYPTOSUITE) {
    return failed(
      'signature',
      `The proof is ${String(proof.type)} with cryptosuite ${String(proof.cryptosuite)}; ` +
        `only ${PROOF_TYPE} with ${CRYPTOSUITE} is accepted.`,
    );
  }
  if (!issuerKey.passed) {
    return failed(
      'signature',
      'The signature was not checked, because the signing key is not a known issuer key.',
    );
  }
  const result = await verify(credential, documentLoader, signal);
  if (!result.verified) return failed('signature', result.reason);
  return passed('signature', `The ${CRYPTOSUITE} signature matches the credential's contents.`);
}
