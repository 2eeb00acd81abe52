import { gunzipSync, gzipSync } from 'node:zlib';

/** The Bitstring Status List minimum (16 KiB), so one credential's bit hides among many. */
export const MIN_STATUS_LIST_LENGTH = 131_072;

/**
 * Revocation bits, one per credential, as bytes ready to store. Bit 0 is the most significant
 * bit of byte 0, as the Bitstring Status List spec orders them. Functions here never mutate
 * their input; changes return a new copy.
 */
export type StatusBits = Uint8Array;

export function createStatusBits(length: number = MIN_STATUS_LIST_LENGTH): StatusBits {
  if (!Number.isSafeInteger(length) || length < MIN_STATUS_LIST_LENGTH || length % 8 !== 0) {
    throw new RangeError(`A status list needs a multiple of 8 entries, at least ${MIN_STATUS_LIST_LENGTH}`);
  }
  return new Uint8Array(length / 8);
}

export function statusListLength(bits: StatusBits): number {
  return bits.length * 8;
}

export function isStatusBitSet(bits: StatusBits, index: number): boolean {
  const { byte, mask } = locate(bits, index);
  return (bits[byte] & mask) !== 0;
}

/** Marks the credential at index as revoked. */
export function setStatusBit(bits: StatusBits, index: number): StatusBits {
  const { byte, mask } = locate(bits, index);
  const copy = Uint8Array.from(bits);
  copy[byte] |= mask;
  return copy;
}

/** Un-revokes the credential at index. */
export function clearStatusBit(bits: StatusBits, index: number): StatusBits {
  const { byte, mask } = locate(bits, index);
  const copy = Uint8Array.from(bits);
  copy[byte] &= ~mask;
  return copy;
}

/** The spec's encodedList: multibase base64url ("u" prefix) of the GZIP-compressed bits. */
export function encodeStatusList(bits: StatusBits): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}

export function decodeStatusList(encodedList: string): StatusBits {
  if (!encodedList.startsWith('u'))
    throw new Error('encodedList must be multibase base64url (start with "u")');
  return new Uint8Array(gunzipSync(Buffer.from(encodedList.slice(1), 'base64url')));
}

function locate(bits: StatusBits, index: number): { byte: number; mask: number } {
  if (!Number.isSafeInteger(index) || index < 0 || index >= statusListLength(bits)) {
    throw new RangeError(`Status index ${index} is outside the list (0-${statusListLength(bits) - 1})`);
  }
  return { byte: Math.floor(index / 8), mask: 0x80 >> (index % 8) };
}
