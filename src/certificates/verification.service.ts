import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  createDocumentLoader,
  verifyCredential,
  type CredentialVerification,
  type DocumentLoader,
  type JsonLdObject,
} from './credentials';
import type { IssuerKeysService } from './issuer-keys.service';
import type { StatusListsService } from './status-lists.service';

const CACHE_LIMIT = 2_000;
/** Results are reused this long at most, so expiry is noticed soon after it happens. */
export const VERIFICATION_CACHE_MS = 60_000;

/**
 * Checks credentials (ours, or pasted by anyone) against the issuer keys and status lists in the
 * database; never fetches anything from the network. Results are cached by the credential's hash
 * and the status lists' versions, so a revocation is seen at once.
 */
export class VerificationService {
  private readonly cache = new Map<string, { at: number; result: CredentialVerification }>();

  constructor(
    private readonly keys: IssuerKeysService,
    private readonly lists: StatusListsService,
  ) {}

  /** Our own published documents, looked up in the database. */
  documentLoader(manager: EntityManager): DocumentLoader {
    const statusPrefix = this.lists.listUrl(0).replace(/0$/, '');
    return createDocumentLoader(async (url) => {
      if (url === this.keys.issuer.id)
        return (await this.keys.issuerDocument(manager)) as unknown as JsonLdObject;
      if (url.startsWith(statusPrefix)) {
        const listId = Number(url.slice(statusPrefix.length));
        if (!Number.isInteger(listId) || listId < 1) return null;
        return this.lists.credential(manager, listId, this.documentLoader(manager));
      }
      return null;
    });
  }

  async verify(manager: EntityManager, credential: unknown): Promise<CredentialVerification> {
    const versions = [...(await this.lists.versions(manager)).entries()]
      .map(([id, v]) => `${id}.${v}`)
      .join(',');
    const key = createHash('sha256').update(JSON.stringify(credential)).update(versions).digest('hex');
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < VERIFICATION_CACHE_MS) return cached.result;
    const result = await verifyCredential(credential, { documentLoader: this.documentLoader(manager) });
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { at: Date.now(), result });
    return result;
  }
}
