declare module '@digitalbazaar/vc' {
  import type { DataIntegrityProof } from '@digitalbazaar/data-integrity';

  type DocumentLoader = (url: string) => Promise<{ document: unknown }>;

  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: object; date?: Date | string; maxTimestampDelta?: number });
  }

  export function issue<T extends object>(options: {
    credential: T;
    suite: DataIntegrityProof;
    documentLoader: DocumentLoader;
    now?: Date | string;
  }): Promise<T & { proof: object }>;

  export interface VerifyCredentialResult {
    verified: boolean;
    error?: Error;
    statusResult?: { verified: boolean };
  }

  export function verifyCredential(options: {
    credential: object;
    suite: DataIntegrityProof | DataIntegrityProof[];
    documentLoader: DocumentLoader;
    checkStatus?: (options: {
      credential: object;
      documentLoader: DocumentLoader;
      suite: DataIntegrityProof | DataIntegrityProof[];
    }) => Promise<{ verified: boolean }>;
    now?: Date | string;
  }): Promise<VerifyCredentialResult>;
}
