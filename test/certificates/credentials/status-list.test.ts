import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { createList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import {
  buildStatusEntry,
  buildStatusListCredential,
  clearStatusBit,
  createStatusBits,
  decodeStatusList,
  encodeStatusList,
  isStatusBitSet,
  MIN_STATUS_LIST_LENGTH,
  setStatusBit,
  statusListLength,
  type BitstringStatusListCredentialJson,
  type Signed,
} from '../../../src/certificates/credentials';
import { ISSUER, LIST_URL, TestIssuer } from './fixtures';

describe('status bits', () => {
  it('start empty with at least 131,072 entries', () => {
    const bits = createStatusBits();
    expect(MIN_STATUS_LIST_LENGTH).toBe(131_072);
    expect(statusListLength(bits)).toBe(131_072);
    expect(bits.every((byte) => byte === 0)).toBe(true);
    expect(() => createStatusBits(1024)).toThrow(RangeError);
    expect(() => createStatusBits(131_073)).toThrow(RangeError);
  });

  it('set, read and clear one bit without touching the input', () => {
    const empty = createStatusBits();
    const revoked = setStatusBit(empty, 9);
    expect(isStatusBitSet(empty, 9)).toBe(false);
    expect(isStatusBitSet(revoked, 9)).toBe(true);
    expect(isStatusBitSet(revoked, 8)).toBe(false);
    expect(isStatusBitSet(revoked, 10)).toBe(false);
    expect(revoked[1]).toBe(0b0100_0000);
    const restored = clearStatusBit(revoked, 9);
    expect(isStatusBitSet(restored, 9)).toBe(false);
    expect(isStatusBitSet(revoked, 9)).toBe(true);
  });

  it('reject indexes outside the list', () => {
    const bits = createStatusBits();
    expect(() => setStatusBit(bits, 131_072)).toThrow(RangeError);
    expect(() => isStatusBitSet(bits, -1)).toThrow(RangeError);
    expect(() => clearStatusBit(bits, 1.5)).toThrow(RangeError);
  });

  it('encode as GZIP + multibase base64url that @digitalbazaar/vc-bitstring-status-list reads', async () => {
    const bits = setStatusBit(setStatusBit(createStatusBits(), 0), 131_071);
    const encoded = encodeStatusList(bits);
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/);
    const theirs = await decodeList({ encodedList: encoded });
    expect(theirs.length).toBe(131_072);
    expect(theirs.getStatus(0)).toBe(true);
    expect(theirs.getStatus(1)).toBe(false);
    expect(theirs.getStatus(131_071)).toBe(true);
    expect(decodeStatusList(encoded)).toEqual(bits);
  });

  it('decode lists encoded by @digitalbazaar/vc-bitstring-status-list', async () => {
    const theirs = await createList({ length: 131_072 });
    theirs.setStatus(12_345, true);
    const bits = decodeStatusList(await theirs.encode());
    expect(statusListLength(bits)).toBe(131_072);
    expect(isStatusBitSet(bits, 12_345)).toBe(true);
    expect(isStatusBitSet(bits, 12_344)).toBe(false);
  });
});

describe('status list credential', () => {
  let issuer: TestIssuer;
  let list: Signed<BitstringStatusListCredentialJson>;

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    await issuer.publishStatusList(setStatusBit(createStatusBits(), 3));
    list = issuer.published.get(LIST_URL) as unknown as Signed<BitstringStatusListCredentialJson>;
  });

  it('is a signed BitstringStatusListCredential of at least 131,072 entries', async () => {
    expect(list).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: LIST_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: ISSUER.id,
      credentialSubject: { id: `${LIST_URL}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation' },
      proof: [
        { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' },
      ],
    });
    const decoded = await decodeList({ encodedList: list.credentialSubject.encodedList });
    expect(decoded.length).toBeGreaterThanOrEqual(131_072);
    expect(decoded.getStatus(3)).toBe(true);
  });

  it('has a signature that @digitalbazaar/vc verifies', async () => {
    const result = await vc.verifyCredential({
      credential: list,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: issuer.documentLoader,
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('refuses a list shorter than the minimum', () => {
    expect(() =>
      buildStatusListCredential({
        listUrl: LIST_URL,
        issuerId: ISSUER.id,
        bits: new Uint8Array(16),
        publishedAt: new Date(),
      }),
    ).toThrow(RangeError);
  });
});

describe('status entry', () => {
  it('points at the list with a string index', () => {
    expect(buildStatusEntry({ listUrl: LIST_URL, index: 42 })).toEqual({
      id: `${LIST_URL}#42`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '42',
      statusListCredential: LIST_URL,
    });
    expect(() => buildStatusEntry({ listUrl: LIST_URL, index: -1 })).toThrow(RangeError);
  });
});
