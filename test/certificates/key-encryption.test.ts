import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IssuerKey } from '../../src/certificates/certificate.entities';
import { generateIssuerKey } from '../../src/certificates/credentials';
import { IssuerKeysService, issuerProfile, legacyIssuerId } from '../../src/certificates/issuer-keys.service';
import { KeyUnwrapFailed, KeyWrap, keyWrapFor } from '../../src/certificates/key-wrap';
import { secretFromDataDir } from '../../src/web/secret-files';
import { startTestApp, type TestApp } from '../helpers/app';

const SECRET_A = 'first key-encryption secret, long enough 0001';
const SECRET_B = 'second key-encryption secret, long enough 0002';

describe('issuer signing keys encrypted at rest', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;
  const service = (secret: string) =>
    new IssuerKeysService(issuerProfile(t.config), legacyIssuerId(t.config), new KeyWrap(() => secret));
  const storedSecrets = async () =>
    (await db().createQueryBuilder(IssuerKey, 'k').addSelect('k.secretKeyMultibase').getMany()).map(
      (row) => row.secretKeyMultibase,
    );

  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  it('stores new keys encrypted (AES-256-GCM), never the plain multibase secret, and signs with them', async () => {
    const keys = service(SECRET_A);
    const signing = await t.dataSource.transaction((m) => keys.signingKey(m));
    const [stored] = await storedSecrets();
    expect(stored).toMatch(/^aesgcm1:[\w-]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(stored).not.toMatch(/^z/);
    expect(signing.id).toContain('#key-1');
    await expect(t.dataSource.transaction((m) => service(SECRET_B).signingKey(m))).rejects.toThrow(
      /encrypted with another ISSUER_KEY_SECRET/,
    );
  });

  it('encrypts keys stored in plain text before, keeping the same key', async () => {
    const record = await generateIssuerKey({ issuerId: issuerProfile(t.config).id, keyNumber: 1 });
    await db().insert(IssuerKey, {
      keyNumber: 1,
      verificationMethod: record.id,
      publicKeyMultibase: record.publicKeyMultibase,
      secretKeyMultibase: record.secretKeyMultibase,
    });
    const keys = service(SECRET_A);
    expect(await t.dataSource.transaction((m) => keys.protectStoredKeys(m))).toBe(1);
    const [stored] = await storedSecrets();
    expect(KeyWrap.isWrapped(stored)).toBe(true);
    expect(stored).not.toContain(record.secretKeyMultibase);
    expect(new KeyWrap(() => SECRET_A).unwrap(stored, record.id)).toBe(record.secretKeyMultibase);
    expect(await t.dataSource.transaction((m) => keys.protectStoredKeys(m))).toBe(0);
  });

  it('re-encrypts under a new secret with the previous one (keys:rewrap), refusing altered rows', async () => {
    await t.dataSource.transaction((m) => service(SECRET_A).ensureKey(m));
    const before = await storedSecrets();
    const rewrapped = await t.dataSource.transaction((m) =>
      service(SECRET_B).protectStoredKeys(m, new KeyWrap(() => SECRET_A)),
    );
    expect(rewrapped).toBe(1);
    const after = await storedSecrets();
    expect(after).not.toEqual(before);
    const signing = await t.dataSource.transaction((m) => service(SECRET_B).signingKey(m));
    expect(signing.id).toContain('#key-1');

    const [row] = await db().createQueryBuilder(IssuerKey, 'k').addSelect('k.secretKeyMultibase').getMany();
    const parts = row.secretKeyMultibase.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => new KeyWrap(() => SECRET_B).unwrap(parts.join(':'), row.verificationMethod)).toThrow(
      KeyUnwrapFailed,
    );
  });
});

describe('secret files in the data dir', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-secrets-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates them mode 600 and tightens an existing readable one before reading it', () => {
    const created = secretFromDataDir(dir, 'issuer-key-secret');
    expect(fs.statSync(path.join(dir, 'issuer-key-secret')).mode & 0o777).toBe(0o600);
    expect(keyWrapFor({ issuerKeySecret: undefined, dataDir: dir }).wrap('x', 'k')).toMatch(/^aesgcm1:/);
    fs.chmodSync(path.join(dir, 'issuer-key-secret'), 0o644);
    expect(secretFromDataDir(dir, 'issuer-key-secret')).toBe(created);
    expect(fs.statSync(path.join(dir, 'issuer-key-secret')).mode & 0o777).toBe(0o600);
  });
});
