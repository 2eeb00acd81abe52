import request from 'supertest';
import { verifyCredential } from '../../src/certificates/credentials';
import { VerificationService } from '../../src/certificates/verification.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';

const VC = 'https://www.w3.org/2018/credentials#';
const XSD_DATE_TIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
type Json = Record<string, unknown>;

/** A copy of `credential` with `key` renamed to `as`, keeping its place and value (or `value`). */
function renamed(credential: Json, key: string, as: string, value: unknown = credential[key]): Json {
  return Object.fromEntries(Object.entries(credential).map(([k, v]) => (k === key ? [as, value] : [k, v])));
}

describe('the verifier reads what a credential means, however its JSON is written', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  let revoked: Json;
  let genuine: Json;
  const http = () => request(t.app);
  const verifyPage = (credential: unknown) =>
    http()
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(credential) });

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
    const manager = t.dataSource.manager;
    genuine = (await kit.certify((await createUser(manager)).id)).credential;
    const toRevoke = await kit.certify((await createUser(manager)).id);
    const admin = await createUser(manager, { role: 'admin' });
    await t.dataSource.transaction((m) =>
      kit.certificates.revoke(m, { ...admin, scopeChapterId: null }, toRevoke.id, 'Copied evidence'),
    );
    revoked = toRevoke.credential;
  });
  afterAll(() => t.close());

  it('still verifies a genuine credential written the usual way', async () => {
    const page = await verifyPage(genuine);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Verified: this credential is genuine and in force');
  });

  it('reports a revoked credential whose credentialStatus is written as its full IRI as revoked and refused', async () => {
    const disguised = renamed(revoked, 'credentialStatus', `${VC}credentialStatus`);
    // The signature still holds: the meaning did not change, only the spelling.
    const result = await new VerificationService(kit.keys, kit.lists).verify(t.dataSource.manager, disguised);
    const byName = Object.fromEntries(result.checks.map((check) => [check.check, check]));
    expect(byName.signature.passed).toBe(true);
    expect(result.verified).toBe(false);
    expect(byName.status.reason).toBe('The issuer has revoked this credential.');
    expect(byName.structure.reason).toContain(`Refused: it names a field by the IRI "${VC}credentialStatus"`);

    const page = await verifyPage(disguised);
    expect(page.status).toBe(422);
    expect(page.text).toContain('Not verified');
    expect(page.text).not.toContain('genuine and in force');
    expect(page.text).toContain('The issuer has revoked this credential.');
  });

  it('reads a validUntil written as its full IRI, and reports the expiry once it has passed', async () => {
    const validUntil = genuine.validUntil as string;
    expect(validUntil).toBeDefined();
    const disguised = renamed(genuine, 'validUntil', `${VC}validUntil`, {
      '@value': validUntil,
      '@type': XSD_DATE_TIME,
    });
    const service = new VerificationService(kit.keys, kit.lists);
    const today = await service.verify(t.dataSource.manager, disguised);
    expect(today.checks[2]).toMatchObject({ check: 'signature', passed: true });
    expect(today.verified).toBe(false);
    expect(today.checks[4].reason).toContain(`until ${validUntil}`);
    expect(today.checks[4].reason).not.toContain('no expiry');

    const later = await verifyCredential(disguised, {
      documentLoader: service.documentLoader(t.dataSource.manager),
      now: new Date(Date.parse(validUntil) + 86_400_000),
    });
    expect(later.checks[4]).toEqual({
      check: 'validity-period',
      passed: false,
      reason: `The credential expired on ${validUntil}.`,
    });
    const page = await verifyPage(disguised);
    expect(page.text).toContain('Not verified');
    expect(page.text).not.toContain('no expiry');
  });

  it('refuses extra and inline contexts, keywords as field names, and reads the status they hide', async () => {
    const aliased = {
      ...renamed(revoked, 'credentialStatus', 'standing'),
      '@context': [...(revoked['@context'] as string[]), { standing: `${VC}credentialStatus` }],
    };
    const service = new VerificationService(kit.keys, kit.lists);
    const result = await service.verify(t.dataSource.manager, aliased);
    expect(result.verified).toBe(false);
    expect(result.checks[0].reason).toContain('its @context must be exactly');
    expect(result.checks[3].reason).toBe('The issuer has revoked this credential.');

    const nested = {
      ...revoked,
      credentialSubject: {
        ...(revoked.credentialSubject as Json),
        '@context': { x: 'https://example.org/x' },
      },
    };
    expect((await service.verify(t.dataSource.manager, nested)).checks[0].reason).toContain(
      'credentialSubject carries its own @context',
    );
    const keyword = renamed(genuine, 'id', '@id');
    const keywordResult = await service.verify(t.dataSource.manager, keyword);
    expect(keywordResult.verified).toBe(false);
    expect(keywordResult.checks[0].reason).toContain('the JSON-LD keyword @id');
  });
});
