import { randomInt } from 'node:crypto';
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
import { idOf } from './credentials/json-ld';
import type { IssuerKeysService } from './issuer-keys.service';

export interface StatusSlot {
  listId: number;
  index: number;
}

/** Random slot candidates tried in one query before falling back to a scan for free slots. */
const CANDIDATES_PER_TRY = 8;

/** `count` random slot positions in [0, size). */
export type SlotPicker = (size: number, count: number) => number[];

const randomSlots: SlotPicker = (size, count) => Array.from({ length: count }, () => randomInt(size));

/**
 * Revocation lists (W3C Bitstring Status List). Each certificate takes one slot, handed out under a
 * lock on the list row; a set bit means revoked (or superseded by a re-issued credential). Slots are
 * picked at random, as the spec advises for herd privacy: a certificate's index says nothing about
 * when it was issued or which others were issued alongside it.
 */
export class StatusListsService {
  constructor(
    private readonly keys: IssuerKeysService,
    private readonly baseUrl: string,
    private readonly pickSlots: SlotPicker = randomSlots,
  ) {}

  listUrl(listId: number): string {
    return `${this.baseUrl}/status/${listId}`;
  }

  /** A free slot at random, creating a new list when the current one is full. Call inside a transaction. */
  async takeSlot(manager: EntityManager): Promise<StatusSlot> {
    await manager.query('INSERT INTO status_lists (id) VALUES (1) ON CONFLICT (id) DO NOTHING');
    for (;;) {
      // The row lock, held until commit, makes slot-taking one at a time per list across processes.
      const [list] = await manager.query<{ id: number; size: number }[]>(
        'SELECT id, size FROM status_lists WHERE taken < size ORDER BY id LIMIT 1 FOR UPDATE',
      );
      if (list) {
        const index = await this.freeSlot(manager, list.id, list.size);
        await manager.query('UPDATE status_lists SET taken = taken + 1 WHERE id = $1', [list.id]);
        return { listId: list.id, index };
      }
      await manager.query(
        'INSERT INTO status_lists (id) SELECT max(id) + 1 FROM status_lists ON CONFLICT (id) DO NOTHING',
      );
    }
  }

  /** A slot no certificate holds: random candidates first; a random free one by scan once the list is crowded. */
  private async freeSlot(manager: EntityManager, listId: number, size: number): Promise<number> {
    const [free] = await manager.query<{ slot: number }[]>(
      `SELECT slot FROM unnest($2::int[]) WITH ORDINALITY AS candidate(slot, n)
        WHERE NOT EXISTS (SELECT 1 FROM certificates WHERE status_list_id = $1 AND status_index = slot)
        ORDER BY n LIMIT 1`,
      [listId, this.pickSlots(size, CANDIDATES_PER_TRY)],
    );
    if (free) return free.slot;
    const [scanned] = await manager.query<{ slot: number }[]>(
      `SELECT slot FROM generate_series(0, $2 - 1) AS slot
        WHERE NOT EXISTS (SELECT 1 FROM certificates WHERE status_list_id = $1 AND status_index = slot)
        ORDER BY random() LIMIT 1`,
      [listId, size],
    );
    if (!scanned) throw new Error(`status list ${listId} counts free slots but has none`);
    return scanned.slot;
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
    // A list signed under the issuer's earlier id (before its DID) is signed again under the DID.
    if (list.credential && idOf(list.credential.issuer) === this.keys.issuer.id) return list.credential;
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
