import type { EntityManager } from 'typeorm';
import { assertAcademyAdmin } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import type { Config } from '../config';
import {
  buildDidDocument,
  buildIssuerDocument,
  didDocumentUrl,
  didWebFromBaseUrl,
  generateIssuerKey,
  importIssuerKey,
  verificationMethodId,
  type DidDocument,
  type IssuerDocument,
  type IssuerProfile,
  type IssuerSigningKey,
  type PublicIssuerKey,
} from './credentials';
import { IssuerKey } from './certificate.entities';
import { KeyUnwrapFailed, KeyWrap, keyWrapFor } from './key-wrap';

type IssuerConfig = Pick<Config, 'baseUrl' | 'issuerName'> &
  Partial<Pick<Config, 'issuerEmail' | 'issuerLogoUrl'>>;

/** The issuer named in every credential: its id is the did:web DID derived from BASE_URL. */
export function issuerProfile(config: IssuerConfig): IssuerProfile {
  return {
    id: didWebFromBaseUrl(config.baseUrl),
    name: config.issuerName,
    url: config.baseUrl,
    ...(config.issuerEmail && { email: config.issuerEmail }),
    ...(config.issuerLogoUrl && { imageUrl: config.issuerLogoUrl }),
  };
}

/** The issuer id of credentials issued before the DID: a URL that still serves their keys. */
export function legacyIssuerId(config: Pick<Config, 'baseUrl'>): string {
  return `${config.baseUrl}/issuer`;
}

/** One signing key as the admin page lists it. */
export interface KeyHistoryEntry {
  keyNumber: number;
  createdAt: Date;
  /** The key's DID URL (what new credentials name). */
  didUrl: string;
  /** The key's id under /issuer (what credentials issued before the DID name). */
  legacyUrl: string;
  publicKeyMultibase: string;
  signsNow: boolean;
}

export interface IssuerOverview {
  did: string;
  didDocumentUrl: string;
  legacyIssuerUrl: string;
  /** BASE_URL is plain http: did:web resolvers, which use HTTPS only, cannot resolve the DID. */
  plainHttp: boolean;
  keys: KeyHistoryEntry[];
}

/** Serialises key creation and rotation across every app process sharing the database. */
const KEY_LOCK = "pg_advisory_xact_lock(hashtext('organizer-academy:issuer-keys'))";

/**
 * The issuer's Ed25519 keys, kept in PostgreSQL so every app process signs with the same one. The
 * newest key signs; all keys stay published, in the DID document (as did:web:…#key-N) and in the
 * /issuer document (as …/issuer#key-N, for credentials issued before the DID).
 */
export class IssuerKeysService {
  private loaded?: { keyNumber: number; key: IssuerSigningKey };

  constructor(
    readonly issuer: IssuerProfile,
    readonly legacyIssuerId: string,
    private readonly wrap: KeyWrap,
  ) {}

  /** The keys of the issuer the configuration names, their secrets sealed with its key-encryption key. */
  static forConfig(config: IssuerConfig & Pick<Config, 'issuerKeySecret' | 'dataDir'>): IssuerKeysService {
    return new IssuerKeysService(issuerProfile(config), legacyIssuerId(config), keyWrapFor(config));
  }

  private toPublic(row: IssuerKey, controller = this.issuer.id): PublicIssuerKey {
    return {
      id: verificationMethodId(controller, row.keyNumber),
      controller,
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

  /** The newest key, ready to sign under the DID. Cached per process until another process rotates. */
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

  private async rows(manager: EntityManager): Promise<IssuerKey[]> {
    if (!(await manager.exists(IssuerKey))) await manager.transaction((m) => this.ensureKey(m));
    return manager.find(IssuerKey, { order: { keyNumber: 'ASC' } });
  }

  /** Every key, oldest first, under the DID. */
  async publicKeys(manager: EntityManager): Promise<PublicIssuerKey[]> {
    return (await this.rows(manager)).map((row) => this.toPublic(row));
  }

  /** The DID document: every key ever used, each an assertionMethod. */
  async didDocument(manager: EntityManager): Promise<DidDocument> {
    return buildDidDocument(this.issuer.id, await this.publicKeys(manager), [this.legacyIssuerId]);
  }

  /**
   * The document at /issuer, for credentials issued before the DID: the issuer Profile under its
   * old id, listing the same keys under that id, and naming the DID as the same issuer.
   */
  async issuerDocument(manager: EntityManager): Promise<IssuerDocument> {
    const rows = await this.rows(manager);
    return buildIssuerDocument(
      { id: this.legacyIssuerId, name: this.issuer.name, url: this.issuer.url },
      rows.map((row) => this.toPublic(row, this.legacyIssuerId)),
      [this.issuer.id],
    );
  }

  /**
   * Academy-wide admins: the issuer's DID, where its DID document is published, and every key with
   * when it was made, newest first (the newest signs). Throws Forbidden for anyone else.
   */
  async overview(manager: EntityManager, actor: SessionUser | undefined): Promise<IssuerOverview> {
    assertAcademyAdmin(actor);
    return {
      did: this.issuer.id,
      didDocumentUrl: didDocumentUrl(this.issuer.id),
      legacyIssuerUrl: this.legacyIssuerId,
      plainHttp: this.issuer.url.startsWith('http://'),
      keys: await this.keyHistory(manager),
    };
  }

  private async keyHistory(manager: EntityManager): Promise<KeyHistoryEntry[]> {
    const rows = await this.rows(manager);
    const newest = Math.max(...rows.map((row) => row.keyNumber));
    return rows
      .map((row) => ({
        keyNumber: row.keyNumber,
        createdAt: row.createdAt,
        didUrl: verificationMethodId(this.issuer.id, row.keyNumber),
        legacyUrl: verificationMethodId(this.legacyIssuerId, row.keyNumber),
        publicKeyMultibase: row.publicKeyMultibase,
        signsNow: row.keyNumber === newest,
      }))
      .reverse();
  }
}
