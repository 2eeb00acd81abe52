import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  CheckNotMade,
  createDocumentLoader,
  verifyCredential,
  type CredentialVerification,
  type DocumentLoader,
  type JsonLdObject,
} from './credentials';
import type { IssuerKeysService } from './issuer-keys.service';
import { ProofResults } from './proof-results';
import type { StatusListsService } from './status-lists.service';
import { CouldNotCheckInTime } from './verify-limits';

const CACHE_LIMIT = 2_000;
/** Results are reused this long at most, so expiry is noticed soon after it happens. */
export const VERIFICATION_CACHE_MS = 60_000;

/** Where and how long the JSON-LD work of a check runs (the app: a worker pool; tests may leave it out). */
export interface VerificationWork {
  /** How long one check may take; no limit when unset. */
  timeBudgetMs?: number;
  /** Resolves once the workers that do the JSON-LD work are ready. */
  ready?: () => Promise<void>;
}

/**
 * Checks credentials (ours, or pasted by anyone) against the issuer keys and status lists in the
 * database; never fetches anything from the network. Results are cached by the credential's hash
 * and the status lists' versions, so a revocation is seen at once.
 */
export class VerificationService {
  private readonly cache = new Map<string, { at: number; result: CredentialVerification }>();
  /** Checks under way, so requests for the same credential wait for one check instead of each running it. */
  private readonly running = new Map<string, Promise<CredentialVerification>>();

  constructor(
    private readonly keys: IssuerKeysService,
    private readonly lists: StatusListsService,
    private readonly proofs = new ProofResults(),
    private readonly work: VerificationWork = {},
  ) {}

  /**
   * Our own published documents, looked up in the database. A lookup that fails (the database,
   * not the document) is recorded in `failures`: the checks would report it as a document that
   * could not be loaded, but the caller must not show a genuine credential as not verified.
   *
   * One check asks for the issuer document six times (key, signature, proof purpose) and the
   * status list once: each loader reads a document once and hands out that copy after, so make a
   * new loader per check. Fewer database round trips also leave less of a check's working memory
   * alive across them, which under load was promoted to the old heap and grew it.
   */
  documentLoader(manager: EntityManager, failures: unknown[] = []): DocumentLoader {
    const statusPrefix = this.lists.listUrl(0).replace(/0$/, '');
    const recorded = async <T>(lookup: () => Promise<T>): Promise<T> => {
      try {
        return await lookup();
      } catch (error) {
        failures.push(error);
        throw error;
      }
    };
    const lookUp = async (url: string): Promise<JsonLdObject | null> => {
      // The issuer's DID (credentials issued now) and its /issuer URL (credentials issued before).
      if (url === this.keys.issuer.id)
        return (await recorded(() => this.keys.didDocument(manager))) as unknown as JsonLdObject;
      if (url === this.keys.legacyIssuerId)
        return (await recorded(() => this.keys.issuerDocument(manager))) as unknown as JsonLdObject;
      if (url.startsWith(statusPrefix)) {
        const listId = Number(url.slice(statusPrefix.length));
        if (!Number.isInteger(listId) || listId < 1) return null;
        return recorded(() => this.lists.credential(manager, listId, this.documentLoader(manager, failures)));
      }
      return null;
    };
    const read = new Map<string, Promise<JsonLdObject | null>>();
    return createDocumentLoader((url) => {
      let document = read.get(url);
      if (!document) read.set(url, (document = lookUp(url)));
      return document;
    });
  }

  async verify(manager: EntityManager, credential: unknown): Promise<CredentialVerification> {
    const versions = [...(await this.lists.versions(manager)).entries()]
      .map(([id, v]) => `${id}.${v}`)
      .join(',');
    const key = createHash('sha256').update(JSON.stringify(credential)).update(versions).digest('hex');
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < VERIFICATION_CACHE_MS) return cached.result;
    // When a popular credential's result expires, every request for it misses at once; checking it
    // once for all of them keeps that from becoming dozens of concurrent signature checks.
    let check = this.running.get(key);
    if (!check) {
      check = this.check(manager, credential, key).finally(() => this.running.delete(key));
      this.running.set(key, check);
    }
    return check;
  }

  private async check(manager: EntityManager, credential: unknown, key: string) {
    // The budget counts the check, not the start of a worker that the pool had to replace.
    await this.work.ready?.();
    const failures: unknown[] = [];
    const documentLoader = this.documentLoader(manager, failures);
    const issuerDocument = async () => (await documentLoader(this.keys.issuer.id)).document;
    const signal = this.work.timeBudgetMs ? AbortSignal.timeout(this.work.timeBudgetMs) : undefined;
    let result: CredentialVerification;
    try {
      result = await verifyCredential(credential, {
        documentLoader,
        verifyProof: this.proofs.verifier(issuerDocument, failures),
        compact: this.proofs.compacting,
        signal,
      });
    } catch (error) {
      // Out of time or of free checkers: not a verdict, so nothing is kept.
      throw error instanceof CheckNotMade || signal?.aborted ? new CouldNotCheckInTime() : error;
    }
    // Our own database failed: an error (503 when it is unreachable), not a verdict, and not kept.
    if (failures.length) throw failures[0];
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: Date.now(), result });
    return result;
  }
}
