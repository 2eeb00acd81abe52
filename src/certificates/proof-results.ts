import { createHash } from 'node:crypto';
import {
  compactInProcess,
  verifyProof,
  type Compactor,
  type JsonLdObject,
  type ProofVerification,
  type ProofVerifier,
} from './credentials';

const LIMIT = 4_000;

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

/**
 * Answers of proof checks, kept by the exact JSON of the document and of our issuer document. A
 * proof check (JSON-LD canonicalisation and Ed25519, the costly part of verifying) can load nothing
 * but our issuer document, our status lists and the bundled contexts. What a status list could add
 * does not change from one version to the next: named as a key it fails whatever it says, and named
 * as a context only its `@context` counts, which is always the same. So the answer stays the same
 * while those two JSON texts do. Verification results expire after a minute (validity periods,
 * status lists, keys); checking a credential again then re-runs the cheap checks, not the JSON-LD.
 */
export class ProofResults {
  private readonly answers = new Map<string, ProofVerification>();
  private readonly readings = new Map<string, JsonLdObject>();

  /**
   * `check` does the real work (tests pass one that counts); `compact` reads a credential's checked
   * terms in our contexts. Either may run in the worker pool.
   */
  constructor(
    private readonly check: ProofVerifier = verifyProof,
    private readonly compact: Compactor = compactInProcess,
  ) {}

  /**
   * Compaction, remembered by the document's exact JSON: it depends on nothing else (contexts
   * come from the installed packages). The answer is shared: callers must not change it.
   */
  readonly compacting: Compactor = async (document, documentLoader, signal) => {
    const key = digest(document);
    const known = this.readings.get(key);
    if (known) return known;
    const reading = await this.compact(document, documentLoader, signal);
    if (this.readings.size >= LIMIT) this.readings.delete(this.readings.keys().next().value!);
    this.readings.set(key, reading);
    return reading;
  };

  /**
   * A verifier for one check. `issuerDocument` is our issuer document as that check sees it;
   * `failures` collects the check's database failures, and no answer given during one is kept.
   */
  verifier(issuerDocument: () => Promise<unknown>, failures: readonly unknown[]): ProofVerifier {
    // A check verifies two proofs (the credential's, its status list's) against the same issuer document.
    let issuerDigest: Promise<string> | undefined;
    return async (document, documentLoader, signal) => {
      let key: string;
      try {
        key = `${digest(document)}.${await (issuerDigest ??= issuerDocument().then(digest))}`;
      } catch {
        return this.check(document, documentLoader, signal);
      }
      const known = this.answers.get(key);
      if (known) return known;
      const answer = await this.check(document, documentLoader, signal);
      if (!failures.length) {
        if (this.answers.size >= LIMIT) this.answers.delete(this.answers.keys().next().value!);
        this.answers.set(key, answer);
      }
      return answer;
    };
  }
}
