import type {
  OB_V3_JSON_SCHEMA_URL,
  OPEN_BADGES_V3_CONTEXT_URL,
  OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './contexts';

/** JSON shapes of what we issue, per Open Badges 3.0 on the W3C VC Data Model 2.0. */

export interface ImageJson {
  id: string;
  type: 'Image';
  caption?: string;
}

export interface ProfileJson {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  email?: string;
  image?: ImageJson;
}

export interface CredentialSchemaJson {
  id: typeof OB_V3_JSON_SCHEMA_URL;
  type: '1EdTechJsonSchemaValidator2019';
}

export interface IdentityObjectJson {
  type: 'IdentityObject';
  identityType: 'emailAddress';
  hashed: true;
  identityHash: string;
  salt: string;
}

export interface AchievementJson {
  id: string;
  type: ['Achievement'];
  achievementType: 'CertificateOfCompletion';
  name: string;
  description: string;
  criteria: { narrative: string };
  /** The curriculum version the track was completed on. */
  version: string;
  image?: ImageJson;
}

export interface AchievementSubjectJson {
  type: ['AchievementSubject'];
  name: string;
  identifier: [IdentityObjectJson];
  achievement: AchievementJson;
}

export interface EvidenceJson {
  /** Unique within the credential: JSON-LD merges entries that share an id into one node. */
  id: string;
  type: ['Evidence'];
  name: string;
  description: string;
  genre: string;
  narrative?: string;
}

export interface BitstringStatusListEntryJson {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  statusListIndex: string;
  statusListCredential: string;
}

export interface OpenBadgeCredentialJson {
  '@context': [
    typeof VC_V2_CONTEXT_URL,
    typeof OPEN_BADGES_V3_CONTEXT_URL,
    typeof OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL,
  ];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  issuer: ProfileJson;
  name: string;
  validFrom: string;
  validUntil?: string;
  credentialSubject: AchievementSubjectJson;
  evidence?: EvidenceJson[];
  credentialSchema: [CredentialSchemaJson];
  credentialStatus: BitstringStatusListEntryJson;
}

export interface BitstringStatusListCredentialJson {
  '@context': [typeof VC_V2_CONTEXT_URL];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string;
  validFrom: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: 'revocation';
    encodedList: string;
  };
}

export interface DataIntegrityProofJson {
  type: 'DataIntegrityProof';
  cryptosuite: string;
  created?: string;
  verificationMethod: string;
  proofPurpose: string;
  proofValue: string;
}

/** Any credential we sign: its issuer is either an id or a Profile with an id. */
export interface UnsignedCredential {
  '@context': readonly string[];
  issuer: string | { id: string };
}

/** Signed: `proof` is always an array (the 1EdTech schema requires one; VC 2.0 allows it). */
export type Signed<T extends UnsignedCredential> = T & { proof: DataIntegrityProofJson[] };
