import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import type { IssuerSigningKey } from './issuer-keys';

export const PROOF_TYPE = 'DataIntegrityProof';
export const CRYPTOSUITE = 'eddsa-rdfc-2022';

export function signingSuite(key: IssuerSigningKey, date: Date): DataIntegrityProof {
  return new DataIntegrityProof({ signer: key.signer(), cryptosuite, date });
}

export function verifyingSuite(): DataIntegrityProof {
  return new DataIntegrityProof({ cryptosuite });
}
