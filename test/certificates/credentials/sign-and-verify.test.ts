import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import {
  buildIssuerDocument,
  buildOpenBadgeCredential,
  generateIssuerKey,
  importIssuerKey,
  setStatusBit,
  signCredential,
  verifyCredential,
  type CheckName,
  type CredentialVerification,
  type OpenBadgeCredentialJson,
  type Signed,
} from '../../../src/certificates/credentials';
import { copyOf, credentialInput, ISSUER, LIST_URL, NOW, reshuffled, TestIssuer } from './fixtures';

type SignedCredential = Signed<OpenBadgeCredentialJson>;

function check(result: CredentialVerification, name: CheckName) {
  const found = result.checks.find((entry) => entry.check === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
}

function failedChecks(result: CredentialVerification): CheckName[] {
  return result.checks.filter((entry) => !entry.passed).map((entry) => entry.check);
}

describe('signing and verifying an Open Badges 3.0 credential', () => {
  let issuer: TestIssuer;
  let signed: SignedCredential;
  const verify = (credential: unknown, now = NOW) =>
    verifyCredential(credential, { documentLoader: issuer.documentLoader, now });

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    signed = await issuer.issue();
  });

  it('adds an eddsa-rdfc-2022 DataIntegrityProof made with the issuer key', () => {
    expect(signed.proof[0]).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod: `${ISSUER.id}#key-1`,
    });
    expect(signed.proof[0].proofValue).toMatch(/^z/);
  });

  it('verifies, with every check passing and a reason for each', async () => {
    const result = await verify(signed);
    expect(failedChecks(result)).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.checks.map((entry) => entry.check)).toEqual([
      'structure',
      'known-issuer-key',
      'signature',
      'status',
      'validity-period',
    ]);
    for (const entry of result.checks) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it('verifies with @digitalbazaar/vc and the status list library, as an independent verifier would', async () => {
    const result = await vc.verifyCredential({
      credential: signed,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: issuer.documentLoader,
      checkStatus,
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(result.statusResult?.verified).toBe(true);
  });

  it('still verifies after key order and whitespace change', async () => {
    const reordered = reshuffled(signed);
    expect(Object.keys(reordered)).not.toEqual(Object.keys(signed));
    expect((await verify(reordered)).verified).toBe(true);
  });

  it.each<[string, (credential: SignedCredential) => void]>([
    ['holder name', (credential) => (credential.credentialSubject.name = 'Mallory')],
    ['achievement name', (credential) => (credential.credentialSubject.achievement.name = 'Grand Master')],
    ['curriculum version', (credential) => (credential.credentialSubject.achievement.version = '2099.9')],
    ['validFrom', (credential) => (credential.validFrom = '2024-01-01T00:00:00Z')],
    [
      'evidence',
      (credential) => (credential.evidence![0].description = 'Completed 2025-03-14; approved by Me.'),
    ],
    ['evidence list', (credential) => credential.evidence!.pop()],
    ['issuer name', (credential) => (credential.issuer.name = 'Some Other Academy')],
    [
      'identity hash',
      (credential) => (credential.credentialSubject.identifier[0].identityHash = `sha256$${'0'.repeat(64)}`),
    ],
    ['status index', (credential) => (credential.credentialStatus.statusListIndex = '43')],
  ])('fails the signature check when the %s is changed', async (_claim, tamper) => {
    const tampered = copyOf(signed);
    tamper(tampered);
    const result = await verify(tampered);
    expect(result.verified).toBe(false);
    expect(failedChecks(result)).toEqual(['signature']);
    expect(check(result, 'signature').reason).toMatch(/changed after it was signed/);
  });

  it('fails when the proof claims another cryptosuite', async () => {
    const altered = copyOf(signed);
    altered.proof[0].cryptosuite = 'eddsa-jcs-2022';
    const result = await verify(altered);
    expect(result.verified).toBe(false);
    expect(check(result, 'signature').reason).toMatch(
      /eddsa-jcs-2022.*only DataIntegrityProof with eddsa-rdfc-2022/,
    );
  });

  it('fails when the proof is removed', async () => {
    const altered = copyOf(signed) as Partial<SignedCredential>;
    delete altered.proof;
    const result = await verify(altered);
    expect(result.verified).toBe(false);
    expect(failedChecks(result)).toEqual(['structure', 'known-issuer-key', 'signature']);
  });

  it('fails "known issuer key" for a key the issuer does not publish', async () => {
    const stray = await importIssuerKey(await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: 9 }));
    const credential = await signCredential(
      buildOpenBadgeCredential(credentialInput()),
      stray,
      issuer.documentLoader,
    );
    const result = await verify(credential);
    expect(result.verified).toBe(false);
    expect(check(result, 'known-issuer-key')).toMatchObject({
      passed: false,
      reason: `The signing key ${ISSUER.id}#key-9 is not one the issuer publishes.`,
    });
    expect(check(result, 'signature').passed).toBe(false);
  });

  it('fails "known issuer key" for a key controlled by someone else', async () => {
    const impostorId = 'https://impostor.example/issuer';
    const impostorKey = await Ed25519Multikey.generate({ id: `${impostorId}#key-1`, controller: impostorId });
    const publicKey = await impostorKey.export({ publicKey: true, includeContext: false });
    issuer.publish(
      impostorId,
      buildIssuerDocument({ id: impostorId, name: 'Impostor', url: 'https://impostor.example' }, [
        {
          id: `${impostorId}#key-1`,
          controller: impostorId,
          publicKeyMultibase: publicKey.publicKeyMultibase,
        },
      ]),
    );
    const forged = await vc.issue({
      credential: buildOpenBadgeCredential(credentialInput()),
      suite: new DataIntegrityProof({ signer: impostorKey.signer(), cryptosuite }),
      documentLoader: issuer.documentLoader,
    });
    const result = await verify(forged);
    expect(result.verified).toBe(false);
    expect(check(result, 'known-issuer-key').reason).toBe(
      `The signing key ${impostorId}#key-1 belongs to ${impostorId}, not to the issuer ${ISSUER.id}.`,
    );
  });

  it('refuses to sign with a key that belongs to another issuer', async () => {
    const other = await importIssuerKey(
      await generateIssuerKey({ issuerId: 'https://other.example/issuer', keyNumber: 1 }),
    );
    await expect(
      signCredential(buildOpenBadgeCredential(credentialInput()), other, issuer.documentLoader),
    ).rejects.toThrow(/not to the credential's issuer/);
  });

  it('refuses to sign a field that no context defines (JSON-LD safe mode)', async () => {
    const credential = { ...buildOpenBadgeCredential(credentialInput()), favouriteColour: 'green' };
    await expect(signCredential(credential, issuer.signingKey, issuer.documentLoader)).rejects.toThrow(
      /Safe mode/,
    );
  });

  it('fails the validity period once validUntil has passed, saying when it expired', async () => {
    const expiring = await issuer.issue({ validUntil: new Date('2025-05-31T00:00:00Z') });
    expect((await verify(expiring, new Date('2025-05-30T00:00:00Z'))).verified).toBe(true);
    const result = await verify(expiring, NOW);
    expect(result.verified).toBe(false);
    expect(failedChecks(result)).toEqual(['validity-period']);
    expect(check(result, 'validity-period').reason).toBe('The credential expired on 2025-05-31T00:00:00Z.');
  });

  it('fails the validity period before validFrom', async () => {
    const result = await verify(signed, new Date('2025-04-30T00:00:00Z'));
    expect(failedChecks(result)).toEqual(['validity-period']);
    expect(check(result, 'validity-period').reason).toMatch(/not valid until 2025-05-01T12:00:00Z/);
  });
});

describe('revocation through the status list', () => {
  it('fails the status check once the credential’s bit is set in a re-signed list', async () => {
    const issuer = await TestIssuer.create();
    const credential = await issuer.issue({
      status: { listUrl: issuer.published.has('x') ? '' : credentialInput().status.listUrl, index: 7 },
    });
    const other = await issuer.issue({ status: { listUrl: credentialInput().status.listUrl, index: 8 } });
    const verify = (subject: unknown) =>
      verifyCredential(subject, { documentLoader: issuer.documentLoader, now: NOW });

    await issuer.publishStatusList(setStatusBit(issuer.bits, 7));

    const result = await verify(credential);
    expect(result.verified).toBe(false);
    expect(failedChecks(result)).toEqual(['status']);
    expect(check(result, 'status').reason).toMatch(/revoked/);
    expect((await verify(other)).verified).toBe(true);

    const independent = await checkStatus({
      credential,
      documentLoader: issuer.documentLoader,
      suite: new DataIntegrityProof({ cryptosuite }),
    });
    expect(independent.verified).toBe(true);
    expect(independent.results?.[0].status).toBe(true);
  });

  it('fails the status check when the published list’s signature is broken', async () => {
    const issuer = await TestIssuer.create();
    const credential = await issuer.issue();
    const list = issuer.published.get(LIST_URL)!;
    issuer.publish(LIST_URL, { ...list, validFrom: '2025-01-01T00:00:00Z' });
    const result = await verifyCredential(credential, { documentLoader: issuer.documentLoader, now: NOW });
    expect(failedChecks(result)).toEqual(['status']);
    expect(check(result, 'status').reason).toMatch(/cannot be trusted: The signature does not match/);
  });

  it('fails the status check when the list cannot be loaded', async () => {
    const issuer = await TestIssuer.create();
    const credential = await issuer.issue();
    issuer.published.delete(LIST_URL);
    const result = await verifyCredential(credential, { documentLoader: issuer.documentLoader, now: NOW });
    expect(failedChecks(result)).toEqual(['status']);
    expect(check(result, 'status').reason).toMatch(/could not be loaded/);
  });
});

describe('key rotation', () => {
  it('keeps old credentials verifying while both keys are published', async () => {
    const issuer = await TestIssuer.create();
    const old = await issuer.issue();
    await issuer.rotateKey();
    const fresh = await issuer.issue();
    expect(old.proof[0].verificationMethod).toBe(`${ISSUER.id}#key-1`);
    expect(fresh.proof[0].verificationMethod).toBe(`${ISSUER.id}#key-2`);

    const verify = (subject: unknown) =>
      verifyCredential(subject, { documentLoader: issuer.documentLoader, now: NOW });
    expect(failedChecks(await verify(old))).toEqual([]);
    expect(failedChecks(await verify(fresh))).toEqual([]);

    issuer.publishIssuerDocument(issuer.keyRecords.slice(1));
    const withdrawn = await verify(old);
    expect(failedChecks(withdrawn)).toEqual(['known-issuer-key', 'signature']);
    expect(check(withdrawn, 'known-issuer-key').reason).toMatch(/key-1 is not one the issuer publishes/);
  });
});
