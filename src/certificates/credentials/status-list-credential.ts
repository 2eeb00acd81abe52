import { VC_V2_CONTEXT_URL } from './contexts';
import type { BitstringStatusListCredentialJson } from './credential-types';
import { toXsdDateTime } from './json-ld';
import { encodeStatusList, statusListLength, MIN_STATUS_LIST_LENGTH, type StatusBits } from './status-list';

export interface StatusListCredentialInput {
  /** Where the signed list is served; credentials point here from credentialStatus. */
  listUrl: string;
  issuerId: string;
  bits: StatusBits;
  /** When this version of the list was published. */
  publishedAt: Date;
}

/** The unsigned BitstringStatusListCredential for the given bits; sign it with signCredential. */
export function buildStatusListCredential(
  input: StatusListCredentialInput,
): BitstringStatusListCredentialJson {
  if (statusListLength(input.bits) < MIN_STATUS_LIST_LENGTH) {
    throw new RangeError(`A status list needs at least ${MIN_STATUS_LIST_LENGTH} entries`);
  }
  return {
    '@context': [VC_V2_CONTEXT_URL],
    id: input.listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: input.issuerId,
    validFrom: toXsdDateTime(input.publishedAt),
    credentialSubject: {
      id: `${input.listUrl}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(input.bits),
    },
  };
}
