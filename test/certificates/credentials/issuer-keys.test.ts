import { inspect } from 'node:util';
import {
  buildIssuerDocument,
  generateIssuerKey,
  importIssuerKey,
  publicPartOf,
  verificationMethodId,
  type IssuerKeyRecord,
} from '../../../src/certificates/credentials';
import { ISSUER } from './fixtures';

describe('issuer keys', () => {
  let first: IssuerKeyRecord;
  let second: IssuerKeyRecord;

  beforeAll(async () => {
    first = await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: 1 });
    second = await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: 2 });
  });

  it('generate Ed25519 Multikeys with ids under the issuer', () => {
    expect(first.id).toBe(`${ISSUER.id}#key-1`);
    expect(first.controller).toBe(ISSUER.id);
    expect(first.publicKeyMultibase).toMatch(/^z6Mk/);
    expect(first.secretKeyMultibase).toMatch(/^z/);
    expect(Object.keys(first).sort()).toEqual([
      'controller',
      'id',
      'publicKeyMultibase',
      'secretKeyMultibase',
    ]);
    expect(second.id).toBe(verificationMethodId(ISSUER.id, 2));
    expect(second.publicKeyMultibase).not.toBe(first.publicKeyMultibase);
    expect(() => verificationMethodId(ISSUER.id, 0)).toThrow(RangeError);
  });

  it('survive a round trip through JSON storage and sign after import', async () => {
    const stored = JSON.parse(JSON.stringify(first)) as IssuerKeyRecord;
    const key = await importIssuerKey(stored);
    expect(key.id).toBe(first.id);
    expect(key.controller).toBe(ISSUER.id);
    const signature = await key.signer().sign({ data: new Uint8Array([1, 2, 3]) });
    expect(signature).toHaveLength(64);
  });

  it('refuse a record whose secret key does not match its public key', async () => {
    await expect(
      importIssuerKey({ ...first, secretKeyMultibase: second.secretKeyMultibase }),
    ).rejects.toThrow(/does not match its public key/);
  });

  it('never show key material when a loaded key is logged or serialised', async () => {
    const key = await importIssuerKey(first);
    const shown = [
      JSON.stringify(key),
      inspect(key, { depth: 10, showHidden: true }),
      String(Object.keys(key)),
    ];
    for (const text of shown) {
      expect(text).not.toContain(first.secretKeyMultibase);
      expect(text).not.toMatch(/secret/i);
    }
    expect(JSON.parse(JSON.stringify(key))).toEqual(publicPartOf(first));
  });
});

describe('buildIssuerDocument', () => {
  let keys: IssuerKeyRecord[];

  beforeAll(async () => {
    keys = [
      await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: 1 }),
      await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: 2 }),
    ];
  });

  it('is the issuer Profile and lists every key for assertions', () => {
    expect(buildIssuerDocument(ISSUER, keys)).toEqual({
      '@context': [
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://w3id.org/security/multikey/v1',
        {
          assertionMethod: {
            '@id': 'https://w3id.org/security#assertionMethod',
            '@type': '@id',
            '@container': '@set',
          },
          verificationMethod: { '@id': 'https://w3id.org/security#verificationMethod', '@type': '@id' },
          alsoKnownAs: { '@id': 'https://www.w3.org/ns/activitystreams#alsoKnownAs', '@type': '@id' },
        },
      ],
      id: ISSUER.id,
      type: ['Profile'],
      name: ISSUER.name,
      url: ISSUER.url,
      verificationMethod: keys.map((key) => ({
        id: key.id,
        type: 'Multikey',
        controller: ISSUER.id,
        publicKeyMultibase: key.publicKeyMultibase,
      })),
      assertionMethod: [`${ISSUER.id}#key-1`, `${ISSUER.id}#key-2`],
    });
  });

  it('contains no secret key material even when given full key records', () => {
    const served = JSON.stringify(buildIssuerDocument(ISSUER, keys));
    for (const key of keys) expect(served).not.toContain(key.secretKeyMultibase);
    expect(served).not.toMatch(/secret|privateKey/i);
  });

  it('refuses keys of another issuer, duplicates and an empty key list', () => {
    const foreign = {
      ...keys[0],
      id: 'https://other.example/issuer#key-1',
      controller: 'https://other.example/issuer',
    };
    expect(() => buildIssuerDocument(ISSUER, [foreign])).toThrow(/does not belong to issuer/);
    expect(() => buildIssuerDocument(ISSUER, [keys[0], keys[0]])).toThrow(/listed twice/);
    expect(() => buildIssuerDocument(ISSUER, [])).toThrow(/at least one key/);
  });
});
