// The Digital Credentials Consortium's libraries that tests use to verify credentials as partners
// do. They ship no types; only what the tests call is declared.

declare module '@digitalcredentials/vc' {
  export function verifyCredential(options: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
    checkStatus?: unknown;
  }): Promise<unknown>;
}

declare module '@digitalcredentials/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown });
  }
}

declare module '@digitalcredentials/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}

declare module '@digitalcredentials/vc-bitstring-status-list' {
  export const checkStatus: unknown;
}
