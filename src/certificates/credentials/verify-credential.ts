import { failed, guarded, type CheckResult } from './checks/check-result';
import { readClaims, type Compactor } from './checks/claims';
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
 * After the proof check, status and validity are read from the credential compacted against the
 * contexts we accept (`compact`), so a revocation or an expiry is seen however the JSON is
 * written; any other way of writing a checked term fails the structure check with the reason.
 * `signal` is the time budget: once it aborts, this throws its reason instead of answering.
 */
export async function verifyCredential(
  credential: unknown,
  options: {
    documentLoader: DocumentLoader;
    now?: Date;
    verifyProof?: ProofVerifier;
    compact?: Compactor;
    signal?: AbortSignal;
  },
): Promise<CredentialVerification> {
  const { documentLoader, signal } = options;
  const verify = options.verifyProof ?? verifyProof;
  const now = options.now ?? new Date();
  const structure = checkStructure(credential);
  const issuerKey = await guarded('known-issuer-key', () => checkIssuerKey(credential, documentLoader));
  const signature = await guarded('signature', () =>
    checkSignature(credential, documentLoader, issuerKey, verify, signal),
  );
  signal?.throwIfAborted();
  const reading = await readClaims(credential, documentLoader, options.compact, signal);
  const { claims } = reading;
  const unread = 'Not checked, because what the credential means could not be read.';
  const status = claims
    ? await guarded('status', () => checkStatus(claims, documentLoader, now, verify, signal))
    : failed('status', unread);
  signal?.throwIfAborted();
  const validityPeriod = claims ? checkValidityPeriod(claims, now) : failed('validity-period', unread);
  const checks = [refused(structure, reading.problem), issuerKey, signature, status, validityPeriod];
  return { verified: checks.every((check) => check.passed), checks };
}

/** The structure check, failed with the reason the credential's wording is refused (if it is). */
function refused(structure: CheckResult, problem: string | undefined): CheckResult {
  if (!problem) return structure;
  const reason = `Refused: ${problem}.`;
  return failed('structure', structure.passed ? reason : `${reason} ${structure.reason}`);
}
