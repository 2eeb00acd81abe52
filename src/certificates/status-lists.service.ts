import type { EntityManager } from 'typeorm';
import { preparedRead } from '../db/prepared-read';
import {
  buildStatusListCredential,
  createStatusBits,
  setStatusBit,
  signCredential,
  type DocumentLoader,
} from './credentials';
import { StatusList } from './certificate.entities';
import type { IssuerKeysService } from './issuer-keys.service';

export interface StatusSlot {
  listId: number;
  index: number;
}

/**
 * Revocation lists (W3C Bitstring Status List). Each certificate takes one slot, handed out under a
 * lock on the list row; a set bit means revoked (or superseded by a re-issued credential).
 */
export class StatusListsService {
  constructor(
    private readonly keys: IssuerKeysService,
    private readonly baseUrl: string,
  ) {}

  listUrl(listId: number): string {
    return `${this.baseUrl}/status/${listId}`;
  }

  /** The next free slot, creating a new list when the current one is full. Call inside a transaction. */
  async takeSlot(manager: EntityManager): Promise<StatusSlot> {
    await manager.query('INSERT INTO status_lists (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
    for (;;) {
      const [list] = await manager.query<{ id: number; next_index: number }[]>(
        `SELECT id, next_index FROM status_lists WHERE next_index < size ORDER BY id LIMIT 1 FOR UPDATE`,
      );
      if (list) {
        await manager.update(StatusList, list.id, { nextIndex: list.next_index + 1 });
        return { listId: list.id, index: list.next_index };
      }
      await manager.query(
        'INSERT INTO status_lists (id) SELECT max(id) + 1 FROM status_lists ON CONFLICT (id) DO NOTHING',
      );
    }
  }

  /**
   * Re-signs a list from the certificates table (revoked or superseded → bit set) and bumps its
   * version. Runs in the caller's transaction, so a revocation and its list commit together.
   */
  async publish(manager: EntityManager, listId: number, documentLoader: DocumentLoader): Promise<void> {
    const [list] = await manager.query<{ size: number }[]>(
      'SELECT size FROM status_lists WHERE id = $1 FOR UPDATE',
      [listId],
    );
    const rows = await manager.query<{ status_index: number }[]>(
      `SELECT status_index FROM certificates
        WHERE status_list_id = $1 AND (revoked_at IS NOT NULL OR superseded_at IS NOT NULL)`,
      [listId],
    );
    let bits = createStatusBits(list.size);
    for (const row of rows) bits = setStatusBit(bits, row.status_index);
    const unsigned = buildStatusListCredential({
      listUrl: this.listUrl(listId),
      issuerId: this.keys.issuer.id,
      bits,
      publishedAt: new Date(),
    });
    const credential = await signCredential(unsigned, await this.keys.signingKey(manager), documentLoader);
    await manager.query(
      'UPDATE status_lists SET credential = $2, version = version + 1, updated_at = now() WHERE id = $1',
      [listId, JSON.stringify(credential)],
    );
  }

  /** The signed list as served; null for an unknown list. Publishes a list never published before. */
  async credential(
    manager: EntityManager,
    listId: number,
    documentLoader: DocumentLoader,
  ): Promise<Record<string, unknown> | null> {
    const list = await manager.findOne(StatusList, { where: { id: listId } });
    if (!list) return null;
    if (list.credential) return list.credential;
    await manager.transaction((m) => this.publish(m, listId, documentLoader));
    return (await manager.findOneOrFail(StatusList, { where: { id: listId } })).credential;
  }

  async versions(manager: EntityManager): Promise<Map<number, number>> {
    // Every signature check asks (cache key), so: raw SQL as a prepared statement, no entity hydration.
    const rows = await preparedRead<{ id: number; version: number }>(
      manager,
      'status-lists-versions',
      'SELECT id, version FROM status_lists ORDER BY id',
      [],
    );
    return new Map(rows.map((r) => [r.id, r.version]));
  }
}
