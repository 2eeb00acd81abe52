declare module 'jsonld-signatures' {
  import type { DataIntegrityProof } from '@digitalbazaar/data-integrity';

  interface VerificationError extends Error {
    errors?: Error[];
  }

  interface JsonLdSignatures {
    verify(
      document: object,
      options: {
        suite: DataIntegrityProof | DataIntegrityProof[];
        purpose: object;
        documentLoader: (url: string) => Promise<{ document: unknown }>;
      },
    ): Promise<{ verified: boolean; error?: VerificationError }>;
  }

  const jsigs: JsonLdSignatures;
  export = jsigs;
}
