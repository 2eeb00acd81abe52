declare module '@digitalbazaar/ed25519-multikey' {
  export interface MultikeyDescription {
    '@context'?: string | string[];
    id?: string;
    type?: 'Multikey';
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
  }

  export interface Signer {
    id?: string;
    algorithm: string;
    sign(options: { data: Uint8Array }): Promise<Uint8Array>;
  }

  export interface Verifier {
    id?: string;
    algorithm: string;
    verify(options: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>;
  }

  export interface Ed25519MultikeyKeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    export(options?: {
      publicKey?: boolean;
      secretKey?: boolean;
      includeContext?: boolean;
    }): Promise<MultikeyDescription>;
    signer(): Signer;
    verifier(): Verifier;
  }

  export function generate(options?: {
    id?: string;
    controller?: string;
    seed?: Uint8Array;
  }): Promise<Ed25519MultikeyKeyPair>;
  export function from(key: MultikeyDescription): Promise<Ed25519MultikeyKeyPair>;
}
