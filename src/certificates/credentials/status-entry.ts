import type { BitstringStatusListEntryJson } from './credential-types';

export interface StatusEntryInput {
  /** URL of the status list credential. */
  listUrl: string;
  /** This credential's bit in that list. */
  index: number;
}

export function buildStatusEntry({ listUrl, index }: StatusEntryInput): BitstringStatusListEntryJson {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`Invalid status list index ${index}`);
  return {
    id: `${listUrl}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: listUrl,
  };
}
