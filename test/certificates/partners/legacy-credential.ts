import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IssuerKey, type Certificate } from '../../../src/certificates/certificate.entities';
import {
  createDocumentLoader,
  importIssuerKey,
  signCredential,
  verificationMethodId,
} from '../../../src/certificates/credentials';
import type { IssuerKeysService } from '../../../src/certificates/issuer-keys.service';
import { KeyWrap } from '../../../src/certificates/key-wrap';
import { TEST_ENV } from '../../helpers/app';

/**
 * Turns a certificate into one issued before the DID: its credential names the issuer by its
 * /issuer URL and is signed with the same key under that URL, as every credential was before.
 * The signed credential replaces the stored one, so the public pages serve it.
 */
export async function makeLegacy(
  manager: EntityManager,
  keys: IssuerKeysService,
  certificate: Certificate,
  options: { sharedEvidenceIds?: boolean } = {},
): Promise<Record<string, unknown>> {
  const row = await manager
    .createQueryBuilder(IssuerKey, 'key')
    .addSelect('key.secretKeyMultibase')
    .orderBy('key.keyNumber', 'DESC')
    .getOneOrFail();
  const legacy = keys.legacyIssuerId;
  const key = await importIssuerKey({
    id: verificationMethodId(legacy, row.keyNumber),
    controller: legacy,
    publicKeyMultibase: row.publicKeyMultibase,
    // Stored sealed under the test apps' key-encryption secret.
    secretKeyMultibase: KeyWrap.isWrapped(row.secretKeyMultibase)
      ? new KeyWrap(() => TEST_ENV.ISSUER_KEY_SECRET).unwrap(row.secretKeyMultibase, row.verificationMethod)
      : row.secretKeyMultibase,
  });
  const rest = { ...certificate.credential };
  delete rest.proof;
  delete rest.credentialSchema;
  const issuer = { id: legacy, type: ['Profile'], name: keys.issuer.name, url: keys.issuer.url };
  // Before the DID, the evidence entries of one module shared its page as their id.
  const evidence = (rest.evidence as { id: string }[]).map((entry) =>
    options.sharedEvidenceIds ? { ...entry, id: entry.id.replace(/#.*$/, '') } : entry,
  );
  const unsigned = {
    ...rest,
    evidence,
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    issuer,
  };
  const signed = await signCredential(
    unsigned,
    key,
    createDocumentLoader(() => Promise.resolve(null)),
  );
  // Before the DID, proof was a single object.
  const credential = { ...signed, proof: signed.proof[0] } as Record<string, unknown>;
  await manager.query('UPDATE certificates SET credential = $2, credential_hash = $3 WHERE id = $1', [
    certificate.id,
    JSON.stringify(credential),
    createHash('sha256').update(JSON.stringify(credential)).digest('hex'),
  ]);
  return credential;
}
