import * as vc from '@digitalcredentials/vc';
import { securityLoader } from '@digitalcredentials/security-document-loader';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import { checkStatus } from '@digitalcredentials/vc-bitstring-status-list';
import { verifyCredential } from '@digitalcredentials/verifier-core';
import request from 'supertest';
import { didWebFromBaseUrl } from '../../../src/certificates/credentials';
import { createUser } from '../../helpers/factories';
import { postForm, signedInAgent } from '../../helpers/http';
import { startListeningApp, type RunningApp } from '../../helpers/listening-app';
import { certificateKit } from '../kit';
import { makeLegacy } from './legacy-credential';
import { routePartnerFetch, TEST_REGISTRY_URL } from './partner-fetch';

type Credential = Record<string, unknown> & {
  credentialSubject: { name: string; achievement: { name: string } };
  evidence: { name: string }[];
};
interface LogEntry {
  id: string;
  valid?: boolean;
  error?: { name: string; message: string };
  matchingIssuers?: { issuer: { federation_entity: { organization_name: string } } }[];
}
interface CoreResult {
  log?: LogEntry[];
  errors?: { name: string; message: string }[];
  additionalInformation?: { id: string; results: { result: { valid: boolean } }[] }[];
}

const REGISTRY = [{ type: 'dcc-legacy', name: 'Test registry', url: TEST_REGISTRY_URL }];
const step = (result: CoreResult, id: string) => result.log?.find((entry) => entry.id === id);
const copy = (credential: Credential): Credential => structuredClone(credential);

/** The credential verified as the DCC's VerifierPlus and Learner Credential Wallet verify it. */
function verifierCore(credential: object): Promise<CoreResult> {
  type Input = Parameters<typeof verifyCredential>[0];
  return verifyCredential({
    credential: credential as Input['credential'],
    knownDIDRegistries: REGISTRY,
  }) as Promise<CoreResult>;
}

/** @digitalcredentials/vc with the DCC's own document loader (did:web over "HTTPS"). */
function dccVc(credential: object) {
  return vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: securityLoader({ fetchRemoteContexts: true }).build(),
    checkStatus,
  }) as Promise<{ verified: boolean; statusResult?: { verified: boolean }; error?: unknown }>;
}

describe('partners verify our credentials with the DCC libraries', () => {
  let running: RunningApp;
  let kit: ReturnType<typeof certificateKit>;
  let network: ReturnType<typeof routePartnerFetch>;
  const db = () => running.t.dataSource.manager;

  beforeAll(async () => {
    running = await startListeningApp();
    kit = certificateKit(running.t);
    network = routePartnerFetch({
      baseUrl: running.baseUrl,
      registry: {
        [didWebFromBaseUrl(running.baseUrl)]: { name: 'Organizer Academy (test)', url: running.baseUrl },
      },
    });
  });
  afterAll(async () => {
    network.restore();
    await running.close();
  });

  async function issued(name = 'Rosa Partner'): Promise<{ id: string; credential: Credential }> {
    const holder = await createUser(db(), { displayName: name });
    const certificate = await kit.certify(holder.id);
    const response = await request(running.t.app).get(`/c/${certificate.code}/credential.json`);
    return { id: certificate.id, credential: response.body as Credential };
  }

  it('verifier-core: a genuine credential passes every check, the issuer known to the registry', async () => {
    const { credential } = await issued();
    expect(credential.issuer).toMatchObject({ id: didWebFromBaseUrl(running.baseUrl), type: ['Profile'] });
    const result = await verifierCore(credential);
    expect(result.errors).toBeUndefined();
    for (const id of ['valid_signature', 'expiration', 'revocation_status', 'registered_issuer']) {
      expect(step(result, id)).toMatchObject({ id, valid: true });
    }
    expect(step(result, 'registered_issuer')?.matchingIssuers?.[0].issuer.federation_entity).toMatchObject({
      organization_name: 'Organizer Academy (test)',
    });
    const schema = result.additionalInformation?.find((entry) => entry.id === 'schema_check');
    expect(schema?.results[0].result.valid).toBe(true);
    // The DID document was fetched where did:web resolution looks for it, over (mapped) HTTPS.
    expect(network.requested).toContain(`https://${new URL(running.baseUrl).host}/.well-known/did.json`);
  });

  it.each([
    ['the subject name changed', (c: Credential) => (c.credentialSubject.name = 'Mallory Forger')],
    [
      'the achievement name changed',
      (c: Credential) => (c.credentialSubject.achievement.name = 'Chapter Founder'),
    ],
    [
      'two evidence entries swapped',
      (c: Credential) => {
        [c.evidence[0].name, c.evidence[1].name] = [c.evidence[1].name, c.evidence[0].name];
      },
    ],
  ])('verifier-core and @digitalcredentials/vc refuse a copy with %s', async (_what, tamper) => {
    const { credential } = await issued();
    const tampered = copy(credential);
    tamper(tampered);
    expect(tampered).not.toEqual(credential);
    const result = await verifierCore(tampered);
    expect(result.errors?.[0]).toMatchObject({ name: 'invalid_signature' });
    expect((await dccVc(tampered)).verified).toBe(false);
    // Our own verifier agrees.
    const ours = await request(running.t.app)
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(tampered) });
    expect(ours.text).toContain('✗ Failed: Signature.');
  });

  it('@digitalcredentials/vc with the security document loader verifies signature and status', async () => {
    const { credential } = await issued();
    const result = await dccVc(credential);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(result.statusResult?.verified).toBe(true);
  });

  it('after revocation, the status check reports it', async () => {
    const { id, credential } = await issued();
    const admin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(running.t.app, admin.email);
    const revoked = await postForm(agent, `/admin/certificates/${id}/revoke`, { reason: 'Issued in error' });
    expect(revoked.status).toBe(303);
    const result = await verifierCore(credential);
    expect(step(result, 'valid_signature')?.valid).toBe(true);
    expect(step(result, 'revocation_status')?.valid).toBe(false);
    // The DCC's status library answers "not verified" for a set (revoked) bit.
    const library = await dccVc(credential);
    expect(library.verified).toBe(false);
    expect(library.statusResult).toMatchObject({ verified: false, results: [{ verified: false }] });
  });

  it('a credential issued before the DID still verifies on /verify and its public page', async () => {
    const holder = await createUser(db(), { displayName: 'Old Style' });
    const certificate = await kit.certify(holder.id);
    const legacy = await makeLegacy(db(), kit.keys, certificate);
    expect(legacy.issuer).toMatchObject({ id: `${running.baseUrl}/issuer` });
    const pasted = await request(running.t.app)
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(legacy) });
    expect(pasted.text).toContain('Credential verified');
    expect(pasted.text).not.toContain('✗ Failed');
    const page = await request(running.t.app).get(`/c/${certificate.code}`);
    expect(page.text).toContain('Checked just now: genuine and in force');
    const issuer = await request(running.t.app).get('/issuer');
    expect(issuer.body).toMatchObject({
      id: `${running.baseUrl}/issuer`,
      alsoKnownAs: [didWebFromBaseUrl(running.baseUrl)],
    });
  });
});
