import { inspect } from 'node:util';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519MultikeyKeyPair, Signer } from '@digitalbazaar/ed25519-multikey';
import { MULTIKEY_V1_CONTEXT_URL } from './contexts';

/** The public half of an issuer key, as published in the issuer document. */
export interface PublicIssuerKey {
  /** The verification method URL, e.g. https://academy.example.org/issuer#key-1. */
  id: string;
  /** The issuer id. */
  controller: string;
  publicKeyMultibase: string;
}

/** What the database stores. secretKeyMultibase is the private key: never log it or serve it. */
export interface IssuerKeyRecord extends PublicIssuerKey {
  secretKeyMultibase: string;
}

export function verificationMethodId(issuerId: string, keyNumber: number): string {
  if (!Number.isInteger(keyNumber) || keyNumber < 1)
    throw new RangeError('keyNumber must be a positive integer');
  return `${issuerId}#key-${keyNumber}`;
}

/** A new Ed25519 key with id `${issuerId}#key-${keyNumber}`; bump keyNumber on each rotation. */
export async function generateIssuerKey(options: {
  issuerId: string;
  keyNumber: number;
}): Promise<IssuerKeyRecord> {
  const id = verificationMethodId(options.issuerId, options.keyNumber);
  const keyPair = await Ed25519Multikey.generate({ id, controller: options.issuerId });
  const { publicKeyMultibase, secretKeyMultibase } = await keyPair.export({
    publicKey: true,
    secretKey: true,
    includeContext: false,
  });
  if (!secretKeyMultibase) throw new Error('The key library did not export the secret key');
  return { id, controller: options.issuerId, publicKeyMultibase, secretKeyMultibase };
}

/** Copies only the public fields, so passing a full IssuerKeyRecord can never leak its secret. */
export function publicPartOf(key: PublicIssuerKey): PublicIssuerKey {
  return { id: key.id, controller: key.controller, publicKeyMultibase: key.publicKeyMultibase };
}

/**
 * A key loaded for signing. The key material sits in a private field, and JSON.stringify and
 * console.log/util.inspect show only the public part, so logging one by mistake leaks nothing.
 */
export class IssuerSigningKey {
  readonly #keyPair: Ed25519MultikeyKeyPair;
  readonly publicKey: PublicIssuerKey;

  private constructor(keyPair: Ed25519MultikeyKeyPair, publicKey: PublicIssuerKey) {
    this.#keyPair = keyPair;
    this.publicKey = publicKey;
  }

  static async fromRecord(record: IssuerKeyRecord): Promise<IssuerSigningKey> {
    const keyPair = await Ed25519Multikey.from({
      '@context': MULTIKEY_V1_CONTEXT_URL,
      type: 'Multikey',
      ...record,
    });
    await assertKeysMatch(keyPair);
    return new IssuerSigningKey(keyPair, publicPartOf(record));
  }

  get id(): string {
    return this.publicKey.id;
  }

  get controller(): string {
    return this.publicKey.controller;
  }

  signer(): Signer {
    return this.#keyPair.signer();
  }

  toJSON(): PublicIssuerKey {
    return this.publicKey;
  }

  [inspect.custom](): string {
    return `IssuerSigningKey { id: '${this.id}' }`;
  }
}

export function importIssuerKey(record: IssuerKeyRecord): Promise<IssuerSigningKey> {
  return IssuerSigningKey.fromRecord(record);
}

/** Catches a record whose secret and public halves come from different keys before it signs anything. */
async function assertKeysMatch(keyPair: Ed25519MultikeyKeyPair): Promise<void> {
  const data = new TextEncoder().encode('organizer-academy key check');
  const signature = await keyPair.signer().sign({ data });
  if (!(await keyPair.verifier().verify({ data, signature }))) {
    throw new Error(`The secret key of ${keyPair.id ?? 'this key'} does not match its public key`);
  }
}
