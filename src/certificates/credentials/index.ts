export * from './contexts';
export type * from './credential-types';
export { CheckNotMade, type CheckName, type CheckResult } from './checks/check-result';
export { createDocumentLoader, type AppDocumentResolver } from './document-loader';
export { createIdentitySalt, hashEmailIdentity } from './identity-hash';
export {
  buildIssuerDocument,
  type IssuerDocument,
  type IssuerProfile,
  type VerificationMethod,
} from './issuer-document';
export * from './issuer-keys';
export type { DocumentLoader, JsonLdObject, RemoteDocument } from './json-ld';
export * from './open-badge-credential';
export { signCredential } from './sign-credential';
export * from './status-entry';
export * from './status-list';
export * from './status-list-credential';
export { verifyProof, type ProofVerification, type ProofVerifier } from './checks/verify-proof';
export { verifyCredential, type CredentialVerification } from './verify-credential';
export {
  compactInProcess,
  readClaims,
  spellingProblem,
  type ClaimsReading,
  type Compactor,
} from './checks/claims';
export * from './did-web';
export { upgradeCredential } from './upgrade-credential';
