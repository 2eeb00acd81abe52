import { guarded, type CheckResult } from './checks/check-result';
import { checkIssuerKey } from './checks/issuer-key';
import { checkSignature } from './checks/signature';
import { checkStatus } from './checks/status';
import { checkStructure } from './checks/structure';
import { checkValidityPeriod } from './checks/validity-period';
import { verifyProof, type ProofVerifier } from './checks/verify-proof';
import type { DocumentLoader } from './json-ld';

export interface CredentialVerification {
  /** True only when every check passed. */
  verified: boolean;
  /** structure, known-issuer-key, signature, status, validity-period — always all five, in that order. */
  checks: CheckResult[];
}

/**
 * Runs every check on a credential (any parsed JSON); never throws for a bad credential.
 * `verifyProof` checks the credential's and its status list's proofs (the JSON-LD work); a caller
 * may pass one that remembers answers, as long as the answer stays the same for the same inputs.
 */
export async function verifyCredential(
  credential: unknown,
  options: { documentLoader: DocumentLoader; now?: Date; verifyProof?: ProofVerifier },
): Promise<CredentialVerification> {
  const { documentLoader } = options;
  const verify = options.verifyProof ?? verifyProof;
  const now = options.now ?? new Date();
  const structure = checkStructure(credential);
  const issuerKey = await guarded('known-issuer-key', () => checkIssuerKey(credential, documentLoader));
  const signature = await guarded('signature', () =>
    checkSignature(credential, documentLoader, issuerKey, verify),
  );
  const status = await guarded('status', () => checkStatus(credential, documentLoader, now, verify));
  const validityPeriod = checkValidityPeriod(credential, now);
  const checks = [structure, issuerKey, signature, status, validityPeriod];
  return { verified: checks.every((check) => check.passed), checks };
}
