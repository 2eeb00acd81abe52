import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit';
import type { Config } from '../config';
import {
  buildIssuerDocument,
  generateIssuerKey,
  importIssuerKey,
  type IssuerDocument,
  type IssuerProfile,
  type IssuerSigningKey,
  type PublicIssuerKey,
} from './credentials';
import { IssuerKey } from './certificate.entities';
import { KeyUnwrapFailed, KeyWrap } from './key-wrap';

/** The issuer named in every credential; its id serves the issuer document (keys included). */
export function issuerProfile(config: Pick<Config, 'baseUrl' | 'issuerName'>): IssuerProfile {
  return { id: `${config.baseUrl}/issuer`, name: config.issuerName, url: config.baseUrl };
}

/** Serialises key creation and rotation across every app process sharing the database. */
const KEY_LOCK = "pg_advisory_xact_lock(hashtext('organizer-academy:issuer-keys'))";

/**
 * The issuer's Ed25519 keys, kept in PostgreSQL so every app process signs with the same one. The
 * newest key signs; all keys stay published in the issuer document.
 */
export class IssuerKeysService {
  private loaded?: { keyNumber: number; key: IssuerSigningKey };

  constructor(
    readonly issuer: IssuerProfile,
    private readonly wrap: KeyWrap,
  ) {}

  private toPublic(row: IssuerKey): PublicIssuerKey {
    return {
      id: row.verificationMethod,
      controller: this.issuer.id,
      publicKeyMultibase: row.publicKeyMultibase,
    };
  }

  private async insertKey(manager: EntityManager, keyNumber: number): Promise<IssuerKey> {
    const record = await generateIssuerKey({ issuerId: this.issuer.id, keyNumber });
    return manager.save(
      manager.create(IssuerKey, {
        keyNumber,
        verificationMethod: record.id,
        publicKeyMultibase: record.publicKeyMultibase,
        secretKeyMultibase: this.wrap.wrap(record.secretKeyMultibase, record.id),
      }),
    );
  }

  /**
   * Creates the first key unless one exists (at start; safe from many processes at once). Call it
   * inside a transaction: the advisory lock is held until that transaction ends.
   */
  async ensureKey(manager: EntityManager): Promise<void> {
    if (await manager.exists(IssuerKey)) return;
    await manager.query(`SELECT ${KEY_LOCK}`);
    if (await manager.exists(IssuerKey)) return;
    await this.insertKey(manager, 1);
    await recordAudit(manager, {
      actorId: null,
      action: 'issuer_key.created',
      subjectType: 'issuer_key',
      subjectId: '1',
    });
  }

  /** Adds a new signing key; older keys stay published, so everything they signed still verifies. */
  async rotate(manager: EntityManager, actorId: string | null): Promise<PublicIssuerKey> {
    await manager.query(`SELECT ${KEY_LOCK}`);
    const [{ max }] = await manager.query<{ max: number | null }[]>(
      'SELECT max(key_number) AS max FROM issuer_keys',
    );
    const row = await this.insertKey(manager, (max ?? 0) + 1);
    await recordAudit(manager, {
      actorId,
      action: 'issuer_key.rotated',
      subjectType: 'issuer_key',
      subjectId: String(row.keyNumber),
      details: { verificationMethod: row.verificationMethod },
    });
    return this.toPublic(row);
  }

  /** The newest key, ready to sign. Cached per process until another process rotates. */
  async signingKey(manager: EntityManager): Promise<IssuerSigningKey> {
    await this.ensureKey(manager);
    const [{ max }] = await manager.query<{ max: number }[]>(
      'SELECT max(key_number) AS max FROM issuer_keys',
    );
    if (this.loaded?.keyNumber === max) return this.loaded.key;
    const row = await manager
      .createQueryBuilder(IssuerKey, 'key')
      .addSelect('key.secretKeyMultibase')
      .where('key.keyNumber = :max', { max })
      .getOneOrFail();
    const secretKeyMultibase = this.wrap.unwrap(row.secretKeyMultibase, row.verificationMethod);
    const key = await importIssuerKey({ ...this.toPublic(row), secretKeyMultibase });
    this.loaded = { keyNumber: row.keyNumber, key };
    return key;
  }

  /**
   * Encrypts every secret key still stored in plain text (written before keys were encrypted), and
   * with `previous`, re-encrypts keys from the previous KEK under the current one (`keys:rewrap`).
   * Returns how many rows changed. Run at start, after the migrations.
   */
  async protectStoredKeys(manager: EntityManager, previous?: KeyWrap): Promise<number> {
    await manager.query(`SELECT ${KEY_LOCK}`);
    const rows = await manager
      .createQueryBuilder(IssuerKey, 'key')
      .addSelect('key.secretKeyMultibase')
      .getMany();
    let changed = 0;
    for (const row of rows) {
      const stored = row.secretKeyMultibase;
      let plain: string;
      if (!KeyWrap.isWrapped(stored)) plain = stored;
      else if (!previous) continue;
      else {
        try {
          this.wrap.unwrap(stored, row.verificationMethod);
          continue; // already under the current KEK
        } catch (error) {
          if (!(error instanceof KeyUnwrapFailed)) throw error;
          plain = previous.unwrap(stored, row.verificationMethod);
        }
      }
      const secretKeyMultibase = this.wrap.wrap(plain, row.verificationMethod);
      await manager.update(IssuerKey, { keyNumber: row.keyNumber }, { secretKeyMultibase });
      changed += 1;
    }
    this.loaded = undefined;
    return changed;
  }

  async publicKeys(manager: EntityManager): Promise<PublicIssuerKey[]> {
    const rows = await manager.find(IssuerKey, { order: { keyNumber: 'ASC' } });
    return rows.map((row) => this.toPublic(row));
  }

  /** The issuer Profile that is also the controller document of every key, old and new. */
  async issuerDocument(manager: EntityManager): Promise<IssuerDocument> {
    if (!(await manager.exists(IssuerKey))) await manager.transaction((m) => this.ensureKey(m));
    return buildIssuerDocument(this.issuer, await this.publicKeys(manager));
  }
}
