import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import request from 'supertest';
import { Certificate, StatusList } from '../../src/certificates/certificate.entities';
import { bundledContexts, didDocumentUrl, type DocumentLoader } from '../../src/certificates/credentials';
import { createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent } from '../helpers/http';
import { startListeningApp, type RunningApp } from '../helpers/listening-app';
import { reshuffled } from './credentials/fixtures';
import { certificateKit } from './kit';

/** What an outside verifier does: contexts from its own cache, everything else over HTTP from the app. */
const httpLoader: DocumentLoader = async (url) => {
  const context = bundledContexts.get(url);
  if (context) return { contextUrl: null, documentUrl: url, document: context };
  const [documentUrl] = url.split('#');
  // did:web resolves over HTTPS; the test app listens on plain HTTP.
  const address = documentUrl.startsWith('did:web:')
    ? didDocumentUrl(documentUrl).replace(/^https:/, 'http:')
    : documentUrl;
  const response = await fetch(address, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const document = (await response.json()) as Record<string, unknown>;
  if (!url.includes('#')) return { contextUrl: null, documentUrl: url, document };
  const methods = document.verificationMethod as { id: string }[];
  const method = methods.find((m) => m.id === url);
  if (!method) throw new Error(`no key ${url}`);
  return {
    contextUrl: null,
    documentUrl: url,
    document: { '@context': 'https://w3id.org/security/multikey/v1', ...method },
  };
};

function independentlyVerify(credential: object) {
  return vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader: httpLoader,
    checkStatus,
  });
}

function revokedBit(result: Awaited<ReturnType<typeof independentlyVerify>>): boolean | undefined {
  return (result.statusResult as { results?: { status?: boolean }[] } | undefined)?.results?.[0]?.status;
}

describe('certificates for partners', () => {
  let running: RunningApp;
  let kit: ReturnType<typeof certificateKit>;
  let admin: Awaited<ReturnType<typeof createUser>>;
  const db = () => running.t.dataSource.manager;
  const http = () => request(running.t.app);

  beforeAll(async () => {
    running = await startListeningApp();
    kit = certificateKit(running.t);
    admin = await createUser(db(), { role: 'admin' });
  });
  afterAll(() => running.close());

  async function certified(name = 'Grace Holder') {
    const holder = await createUser(db(), { displayName: name });
    return { holder, certificate: await kit.certify(holder.id) };
  }

  it('serves the signed JSON that an independent verifier accepts, resolving keys and status over HTTP', async () => {
    const { certificate } = await certified();
    const fetched = await fetch(`${running.baseUrl}/c/${certificate.code}/credential.json`);
    expect(fetched.headers.get('content-type')).toContain('application/json');
    // The page's download link saves a file instead of opening JSON in the tab.
    expect(fetched.headers.get('content-disposition')).toBe(
      `attachment; filename=certificate-${certificate.code}.json`,
    );
    const credential = (await fetched.json()) as Record<string, unknown>;
    const result = await independentlyVerify(credential);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(result.statusResult?.verified).toBe(true);
    expect(revokedBit(result)).toBe(false);
    const negotiated = await http().get(`/c/${certificate.code}`).set('Accept', 'application/json');
    expect(negotiated.body).toEqual(credential);
    expect(negotiated.headers['content-disposition']).toBeUndefined();
    // Key order and whitespace do not matter.
    expect(
      (await independentlyVerify(JSON.parse(JSON.stringify(reshuffled(credential), null, 3)) as object))
        .verified,
    ).toBe(true);
  });

  it('shows every claim, the status and a signature check on the public page', async () => {
    const { certificate } = await certified('Lin Partnerview');
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Lin Partnerview');
    expect(page.text).toContain('Status: Valid');
    expect(page.text).toContain('Checked just now: genuine and in force');
    // The curriculum in words (the day the credential was signed); the exact hash only on request.
    const signedOn = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
      certificate.issuedAt,
    );
    expect(page.text).toMatch(new RegExp(`The Civic Tech Host curriculum of ${signedOn}\\s*<details`));
    expect(page.text).toContain(
      `<summary>Exact version</summary><code class="details-code">${kit.track.version}</code>`,
    );
    expect(page.text).toContain('✓ Passed: Signature.');
    expect(page.text).toContain(kit.track.modules[0].milestones[0].title);
    expect(page.text).toContain('https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME');
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('gives an unknown code and a hidden certificate the same 404', async () => {
    const { holder, certificate } = await certified();
    const agent = await signedInAgent(running.t.app, holder.email);
    const unknown = await http().get(`/c/${'A'.repeat(22)}`);
    expect(unknown.status).toBe(404);
    await postForm(agent, `/me/certificates/${certificate.id}/visibility`, { hidden: 'true' });
    const hidden = await http().get(`/c/${certificate.code}`);
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(unknown.text);
    expect((await http().get(`/c/${certificate.code}/credential.json`)).status).toBe(404);
    await postForm(agent, `/me/certificates/${certificate.id}/visibility`, { hidden: 'false' });
    expect((await http().get(`/c/${certificate.code}`)).status).toBe(200);
    // Someone else cannot hide it.
    const other = await signedInAgent(running.t.app, (await createUser(db())).email);
    expect(
      (await postForm(other, `/me/certificates/${certificate.id}/visibility`, { hidden: 'true' })).status,
    ).toBe(404);
  });

  it('hides every version: a superseded page, JSON and PDF stay hidden with the current one, also after a re-issue', async () => {
    const { holder, certificate } = await certified('Vera Versions');
    const adminAgent = await signedInAgent(running.t.app, admin.email);
    expect((await postForm(adminAgent, `/admin/certificates/${certificate.id}/reissue`)).status).toBe(303);
    const current = (await kit.certificates.current(db(), holder.id, certificate.trackId))!;
    const agent = await signedInAgent(running.t.app, holder.email);
    await postForm(agent, `/me/certificates/${current.id}/visibility`, { hidden: 'true' });
    for (const code of [certificate.code, current.code])
      for (const suffix of ['', '/credential.json', '/certificate.pdf'])
        expect((await http().get(`/c/${code}${suffix}`)).status).toBe(404);
    // A re-issue of a hidden certificate stays hidden.
    expect((await postForm(adminAgent, `/admin/certificates/${current.id}/reissue`)).status).toBe(303);
    const newest = (await kit.certificates.current(db(), holder.id, certificate.trackId))!;
    expect(newest.hidden).toBe(true);
    expect((await http().get(`/c/${newest.code}`)).status).toBe(404);
    await postForm(agent, `/me/certificates/${newest.id}/visibility`, { hidden: 'false' });
    expect((await http().get(`/c/${certificate.code}`)).status).toBe(200);
  });

  it('revokes with a reason: the page says so, the status list is re-signed, verifiers refuse it', async () => {
    const { certificate } = await certified();
    const adminAgent = await signedInAgent(running.t.app, admin.email);
    const before = await db().findOneByOrFail(StatusList, { id: certificate.statusListId });
    const missing = await postForm(adminAgent, `/admin/certificates/${certificate.id}/revoke`, {
      reason: '',
    });
    expect(missing.status).toBe(303);
    expect((await db().findOneByOrFail(Certificate, { id: certificate.id })).revokedAt).toBeNull();
    const response = await postForm(adminAgent, `/admin/certificates/${certificate.id}/revoke`, {
      reason: 'Evidence was copied from another organizer',
    });
    expect(response.status).toBe(303);
    const after = await db().findOneByOrFail(StatusList, { id: certificate.statusListId });
    expect(after.version).toBe(before.version + 1);
    const page = await http().get(`/c/${certificate.code}`);
    expect(page.text).toContain('Status: Revoked');
    expect(page.text).toContain('Evidence was copied from another organizer');
    expect(page.text).toContain('✗ Failed: Revocation status.');
    const credential = (await http().get(`/c/${certificate.code}/credential.json`)).body as object;
    // The library verifies the signature and reports the status bit: set means revoked.
    const result = await independentlyVerify(credential);
    expect(revokedBit(result)).toBe(true);
    const pasted = await request(running.t.app)
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(credential) });
    expect(pasted.text).toContain('Not verified');
    expect(pasted.text).toContain('revoked');
    const again = await postForm(adminAgent, `/admin/certificates/${certificate.id}/revoke`, {
      reason: 'twice',
    });
    expect(again.status).toBe(409);
  });

  it('shows a revocation made by another app process, which learns of it from the database', async () => {
    const { certificate } = await certified();
    expect((await http().get(`/c/${certificate.code}`)).text).toContain('Status: Valid');
    // Revoked through the service directly, as another process sharing the database would: this
    // app's cached summary is only dropped by the database's change notice.
    await running.t.dataSource.transaction((m) =>
      kit.certificates.revoke(m, { ...admin, scopeChapterId: null }, certificate.id, 'Revoked elsewhere'),
    );
    const until = Date.now() + 5_000;
    let page = await http().get(`/c/${certificate.code}`);
    while (!page.text.includes('Status: Revoked') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      page = await http().get(`/c/${certificate.code}`);
    }
    expect(page.text).toContain('Status: Revoked');
    expect(page.text).toContain('Revoked elsewhere');
  });

  it('re-issues after a name change: new credential, same award date, the old page says superseded', async () => {
    const { holder, certificate } = await certified('Sam Oldname');
    await db().update('users', holder.id, { displayName: 'Sam Newname' });
    const adminAgent = await signedInAgent(running.t.app, admin.email);
    expect((await postForm(adminAgent, `/admin/certificates/${certificate.id}/reissue`)).status).toBe(303);
    const current = await kit.certificates.current(db(), holder.id, certificate.trackId);
    expect(current!.id).not.toBe(certificate.id);
    expect(current!.awardedAt.getTime()).toBe(certificate.awardedAt.getTime());
    expect((current!.credential as { credentialSubject: { name: string } }).credentialSubject.name).toBe(
      'Sam Newname',
    );
    expect((current!.credential as { validFrom: string }).validFrom).toBe(
      (certificate.credential as { validFrom: string }).validFrom,
    );
    const oldPage = await http().get(`/c/${certificate.code}`);
    expect(oldPage.text).toContain('Status: Superseded');
    expect(oldPage.text).toContain(`href="/c/${current!.code}"`);
    expect(revokedBit(await independentlyVerify(certificate.credential))).toBe(true);
    const fresh = await independentlyVerify(current!.credential);
    expect(fresh.verified).toBe(true);
    expect(revokedBit(fresh)).toBe(false);
    expect((await postForm(adminAgent, `/admin/certificates/${certificate.id}/reissue`)).status).toBe(409);
    // Revoking the superseded one is refused: the person holds a newer one in force.
    const revokeOld = await postForm(adminAgent, `/admin/certificates/${certificate.id}/revoke`, {
      reason: 'x',
    });
    expect(revokeOld.status).toBe(409);
    expect((await db().findOneByOrFail('certificates', { id: certificate.id })) as object).toMatchObject({
      revokedAt: null,
    });
  });

  it('revoke and re-issue of one certificate at once: never both "done"; no certificate in force after a revoke', async () => {
    const { holder, certificate } = await certified('Pat Race');
    const adminAgent = await signedInAgent(running.t.app, admin.email);
    const _csrf = await csrfToken(adminAgent); // one token for both: fetching two would race
    const post = (path: string, fields: Record<string, string> = {}) =>
      adminAgent
        .post(path)
        .type('form')
        .send({ ...fields, _csrf });
    const [revoked, reissued] = await Promise.all([
      post(`/admin/certificates/${certificate.id}/revoke`, { reason: 'Issued in error' }),
      post(`/admin/certificates/${certificate.id}/reissue`),
    ]);
    const statuses = [revoked.status, reissued.status];
    expect(statuses.sort()).toEqual([303, 409]);
    const current = await kit.certificates.current(db(), holder.id, certificate.trackId);
    if (revoked.status === 303) {
      expect(current!.id).toBe(certificate.id);
      expect(current!.revokedAt).not.toBeNull();
    } else {
      expect(current!.id).not.toBe(certificate.id);
      expect(current!.revokedAt).toBeNull();
    }
  });

  it('checks pasted and uploaded credentials and explains each failure', async () => {
    const { certificate } = await certified();
    const json = JSON.stringify(certificate.credential);
    const ok = await http().post('/verify').type('form').send({ credential: json });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Verified: this credential is genuine and in force');
    const uploaded = await http().post('/verify').attach('file', Buffer.from(json), 'credential.json');
    expect(uploaded.text).toContain('Verified: this credential is genuine and in force');

    const tampered = JSON.parse(json) as { credentialSubject: { name: string } };
    tampered.credentialSubject.name = 'Mallory';
    const bad = await http()
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(tampered) });
    expect(bad.text).toContain('Not verified');
    expect(bad.text).toContain('✗ Failed: Signature.');

    const garbage = await http().post('/verify').type('form').send({ credential: '{not json' });
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('This is not valid JSON');
    const empty = await http().post('/verify').type('form').send({ credential: '' });
    expect(empty.status).toBe(400);
    const stranger = await http()
      .post('/verify')
      .type('form')
      .send({
        credential: JSON.stringify({
          ...JSON.parse(json),
          issuer: { id: 'https://evil.example/issuer', name: 'X', url: 'https://evil.example' },
        }),
      });
    expect(stranger.text).toContain('✗ Failed: Issuer key.');
  });

  it('serves a PDF with the verification link and a PNG QR code', async () => {
    const { certificate } = await certified();
    const pdf = await http()
      .get(`/c/${certificate.code}/certificate.pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const png = await http().get(`/c/${certificate.code}/qr.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
  });

  it('shows holders their certificates with share links and how often they were checked', async () => {
    const { holder, certificate } = await certified();
    await http().get(`/c/${certificate.code}`);
    await http().get(`/c/${certificate.code}/credential.json`);
    await running.t.app.flushCounters();
    const page = await (await signedInAgent(running.t.app, holder.email)).get('/me/certificates');
    expect(page.text).toContain(`${running.baseUrl}/c/${certificate.code}`);
    expect(page.text).toContain('Viewed or checked 2 times');
  });

  it('publishes every issuer key, never a secret, and old credentials verify after rotation', async () => {
    const { certificate: old } = await certified();
    await running.t.dataSource.transaction((m) => kit.keys.rotate(m, admin.id));
    const { certificate: fresh } = await certified();
    expect(
      (fresh.credential as { proof: { verificationMethod: string }[] }).proof[0].verificationMethod,
    ).toMatch(/#key-2$/);
    const issuer = await http().get('/issuer');
    const methods = (issuer.body as { verificationMethod: { id: string }[] }).verificationMethod.map(
      (m) => m.id,
    );
    expect(methods).toEqual([`${running.baseUrl}/issuer#key-1`, `${running.baseUrl}/issuer#key-2`]);
    expect(issuer.text).not.toMatch(/secret/i);
    const [{ secret }] = await db().query<{ secret: string }[]>(
      'SELECT secret_key_multibase AS secret FROM issuer_keys ORDER BY key_number LIMIT 1',
    );
    for (const url of ['/issuer', `/c/${old.code}`, `/c/${old.code}/credential.json`, '/status/1'])
      expect((await http().get(url)).text).not.toContain(secret);
    expect((await independentlyVerify(old.credential)).verified).toBe(true);
    expect((await independentlyVerify(fresh.credential)).verified).toBe(true);
  });
});

describe('public rate limit', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startListeningApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => running.close());

  it('answers 429 with Retry-After once an address goes over the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await request(running.t.app).get(`/c/${'B'.repeat(22)}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await request(running.t.app).get('/issuer');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
