declare module '@digitalbazaar/data-integrity' {
  import type { Signer } from '@digitalbazaar/ed25519-multikey';

  /** Opaque to us: handed from a cryptosuite package to DataIntegrityProof. */
  export interface Cryptosuite {
    name: string;
    requiredAlgorithm: string;
  }

  export class DataIntegrityProof {
    constructor(options: { cryptosuite: Cryptosuite; signer?: Signer; date?: Date | string });
    readonly type: string;
    readonly cryptosuite: string;
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  import type { Cryptosuite } from '@digitalbazaar/data-integrity';

  export const cryptosuite: Cryptosuite;
}
