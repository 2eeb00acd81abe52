declare module '@digitalbazaar/vc-bitstring-status-list' {
  import type { DataIntegrityProof } from '@digitalbazaar/data-integrity';

  export class BitstringStatusList {
    constructor(options: { length?: number; buffer?: Uint8Array });
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }

  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;

  export interface CheckStatusResult {
    verified: boolean;
    error?: Error;
    results?: { verified: boolean; status: boolean }[];
  }

  export function checkStatus(options: {
    credential: object;
    documentLoader: (url: string) => Promise<{ document: unknown }>;
    suite?: DataIntegrityProof | DataIntegrityProof[];
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<CheckStatusResult>;
}
