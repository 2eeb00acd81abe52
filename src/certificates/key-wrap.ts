import crypto from 'node:crypto';
import type { Config } from '../config';
import { secretFromDataDir } from '../web/secret-files';

/** Stored form: `aesgcm1:<kek id>:<iv>:<ciphertext>:<tag>`, each part base64url. */
const PREFIX = 'aesgcm1';

export class KeyUnwrapFailed extends Error {}

/**
 * Encrypts the issuer's secret keys at rest with AES-256-GCM (node:crypto) under a key-encryption
 * key (KEK) kept outside the database: ISSUER_KEY_SECRET, or a random secret generated into
 * DATA_DIR/issuer-key-secret (mode 600). A database dump alone no longer holds a usable signing key.
 * Each ciphertext is bound to its key's id (additional authenticated data), so rows cannot be swapped.
 */
export class KeyWrap {
  private kek?: { key: Buffer; id: string };

  constructor(private readonly secret: () => string) {}

  private material(): { key: Buffer; id: string } {
    if (!this.kek) {
      const key = Buffer.from(
        crypto.hkdfSync('sha256', this.secret(), 'organizer-academy', 'issuer-key-wrap/v1', 32),
      );
      const id = crypto.createHash('sha256').update(key).digest('base64url').slice(0, 8);
      this.kek = { key, id };
    }
    return this.kek;
  }

  static isWrapped(stored: string): boolean {
    return stored.startsWith(`${PREFIX}:`);
  }

  /** Encrypts `secretKey` for the key named `keyId`. */
  wrap(secretKey: string, keyId: string): string {
    const { key, id } = this.material();
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(keyId));
    const body = Buffer.concat([cipher.update(secretKey, 'utf8'), cipher.final()]);
    return [PREFIX, id, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  /**
   * The plain secret key. A value stored before encryption existed is returned as it is (it is
   * encrypted at the next start). Throws KeyUnwrapFailed when this KEK did not encrypt it.
   */
  unwrap(stored: string, keyId: string): string {
    if (!KeyWrap.isWrapped(stored)) return stored;
    const [, kekId, iv, body, tag] = stored.split(':');
    const { key, id } = this.material();
    if (kekId !== id)
      throw new KeyUnwrapFailed(
        `issuer key ${keyId} was encrypted with another ISSUER_KEY_SECRET (id ${kekId}, this one is ${id}); ` +
          'set the secret it was encrypted with, or run `npm run keys:rewrap` with ISSUER_KEY_SECRET_PREVIOUS',
      );
    try {
      const decipher = crypto
        .createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
        .setAAD(Buffer.from(keyId))
        .setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new KeyUnwrapFailed(`issuer key ${keyId} does not decrypt: the stored value was altered`);
    }
  }
}

/** The KeyWrap for this configuration (the secret is read, or generated, on first use). */
export function keyWrapFor(config: Pick<Config, 'issuerKeySecret' | 'dataDir'>): KeyWrap {
  return new KeyWrap(() => config.issuerKeySecret ?? secretFromDataDir(config.dataDir, 'issuer-key-secret'));
}
