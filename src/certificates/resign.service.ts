import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit';
import { badgeUrl } from './badges/badge-images';
import {
  createDocumentLoader,
  signCredential,
  upgradeCredential,
  type JsonLdObject,
  type UnsignedCredential,
} from './credentials';
import { idOf } from './credentials/json-ld';
import type { IssuerKeysService } from './issuer-keys.service';
import type { StatusListsService } from './status-lists.service';
import { withTransaction } from '../db/transaction';

/** Signing only needs the bundled contexts. */
const contextsOnly = createDocumentLoader(() => Promise.resolve(null));

export interface ResignSummary {
  resigned: number;
  alreadyCurrent: number;
  failed: { certificateId: string; reason: string }[];
  statusLists: number;
}

/**
 * Re-signs current certificates under the issuer's DID, in place: same code (public link),
 * award date, expiry, evidence and status slot, so nothing a holder shared stops working and a
 * later revocation still reaches every copy. Copies issued before keep verifying too (the /issuer
 * document still lists their keys). Operators run it from the command line; it has no web route.
 */
export class ResignService {
  constructor(
    private readonly keys: IssuerKeysService,
    private readonly lists: StatusListsService,
    private readonly baseUrl: string,
  ) {}

  /** Re-signs one certificate unless it is superseded, revoked or already under the DID. Call in a transaction. */
  async resignOne(
    manager: EntityManager,
    certificateId: string,
  ): Promise<'resigned' | 'current' | 'skipped'> {
    const [row] = await manager.query<{ credential: JsonLdObject; track_id: string }[]>(
      `SELECT credential, track_id FROM certificates
        WHERE id = $1 AND superseded_at IS NULL AND revoked_at IS NULL FOR UPDATE`,
      [certificateId],
    );
    if (!row) return 'skipped';
    const stored = row.credential;
    if (idOf(stored.issuer) === this.keys.issuer.id && Array.isArray(stored.proof)) return 'current';
    const unsigned = upgradeCredential(stored, {
      issuer: this.keys.issuer,
      badgeImageUrl: badgeUrl(this.baseUrl, row.track_id),
    }) as JsonLdObject & UnsignedCredential;
    const signed = await signCredential(unsigned, await this.keys.signingKey(manager), contextsOnly);
    const json = JSON.stringify(signed);
    await manager.query('UPDATE certificates SET credential = $2, credential_hash = $3 WHERE id = $1', [
      certificateId,
      json,
      createHash('sha256').update(json).digest('hex'),
    ]);
    await recordAudit(manager, {
      actorId: null,
      action: 'certificate.resigned',
      subjectType: 'certificate',
      subjectId: certificateId,
      details: { issuer: this.keys.issuer.id, verificationMethod: signed.proof[0].verificationMethod },
    });
    return 'resigned';
  }

  /**
   * Re-signs every current certificate (one transaction each, so one failure loses nothing else),
   * then publishes every status list again under the DID. Failures are reported, not thrown.
   */
  async resignAll(dataSource: DataSource): Promise<ResignSummary> {
    const summary: ResignSummary = { resigned: 0, alreadyCurrent: 0, failed: [], statusLists: 0 };
    await withTransaction(dataSource, (manager) => this.keys.ensureKey(manager));
    const rows = await dataSource.query<{ id: string }[]>(
      'SELECT id FROM certificates WHERE superseded_at IS NULL AND revoked_at IS NULL ORDER BY issued_at',
    );
    for (const { id } of rows) {
      try {
        const outcome = await withTransaction(dataSource, (manager) => this.resignOne(manager, id));
        if (outcome === 'resigned') summary.resigned++;
        if (outcome === 'current') summary.alreadyCurrent++;
      } catch (error) {
        summary.failed.push({
          certificateId: id,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const lists = await dataSource.query<{ id: number }[]>('SELECT id FROM status_lists ORDER BY id');
    for (const { id } of lists) {
      await withTransaction(dataSource, (manager) => this.lists.publish(manager, id, contextsOnly));
      summary.statusLists++;
    }
    return summary;
  }
}
