import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { Certificate, StatusList } from '../../src/certificates/certificate.entities';
import { ResignService } from '../../src/certificates/resign.service';
import { didWebFromBaseUrl } from '../../src/certificates/credentials';
import { projectRoot } from '../../src/paths';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { databaseUrl } from '../helpers/database';
import { createUser } from '../helpers/factories';
import { certificateKit } from './kit';
import { makeLegacy } from './partners/legacy-credential';

type Stored = Record<string, unknown> & {
  issuer: { id: string };
  proof: unknown;
  evidence: { id: string; name: string }[];
};

/** npm run certificates:reissue against the test database; resolves with its exit code and output. */
function runCommand(databaseName: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      path.join(projectRoot, 'node_modules/.bin/tsx'),
      ['scripts/reissue-certificates.ts'],
      {
        cwd: projectRoot,
        env: { ...process.env, ...TEST_ENV, DATABASE_URL: databaseUrl(databaseName), NODE_OPTIONS: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run certificates:reissue re-signs current certificates under the DID', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  const db = () => t.dataSource.manager;
  const did = didWebFromBaseUrl(TEST_ENV.BASE_URL);

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
  });
  afterAll(() => t.close());

  async function legacyCertificate(name: string) {
    const holder = await createUser(db(), { displayName: name });
    const certificate = await kit.certify(holder.id);
    const legacy = (await makeLegacy(db(), kit.keys, certificate, { sharedEvidenceIds: true })) as Stored;
    return { certificate, legacy };
  }

  it('keeps the link, award date, evidence and status slot; the old copy still verifies', async () => {
    const { certificate, legacy } = await legacyCertificate('Resign Me');
    const revoked = await legacyCertificate('Stay Revoked');
    await db().update(Certificate, revoked.certificate.id, { revokedAt: new Date(), revokedReason: 'test' });
    const resign = new ResignService(kit.keys, kit.lists, TEST_ENV.BASE_URL);

    const summary = await resign.resignAll(t.dataSource);
    expect(summary.failed).toEqual([]);
    expect(summary.resigned).toBeGreaterThanOrEqual(1);

    const after = (await db().findOneByOrFail(Certificate, { id: certificate.id })).credential as Stored;
    expect(after.issuer.id).toBe(did);
    expect(after.proof).toEqual([expect.objectContaining({ verificationMethod: `${did}#key-1` })]);
    for (const field of ['id', 'validFrom', 'validUntil', 'credentialStatus', 'name'])
      expect(after[field]).toEqual(legacy[field]);
    expect(after.evidence.map((entry) => entry.name)).toEqual(legacy.evidence.map((entry) => entry.name));
    expect(new Set(after.evidence.map((entry) => entry.id)).size).toBe(after.evidence.length);
    const untouched = await db().findOneByOrFail(Certificate, { id: revoked.certificate.id });
    expect((untouched.credential as Stored).issuer.id).toBe(`${TEST_ENV.BASE_URL}/issuer`);
    const list = await db().findOneByOrFail(StatusList, { id: certificate.statusListId });
    expect(list.credential?.issuer).toBe(did);

    // The public link serves the re-signed credential and shows it genuine.
    const served = await request(t.app).get(`/c/${certificate.code}/credential.json`);
    expect(served.body).toEqual(after);
    expect((await request(t.app).get(`/c/${certificate.code}`)).text).toContain(
      'Checked just now: genuine and in force',
    );
    // A copy a holder downloaded before still verifies: same slot, same key, under /issuer.
    const old = await request(t.app)
      .post('/verify')
      .type('form')
      .send({ credential: JSON.stringify(legacy) });
    expect(old.text).toContain('Credential verified');

    const again = await resign.resignAll(t.dataSource);
    expect(again.resigned).toBe(0);
    expect(again.alreadyCurrent).toBeGreaterThanOrEqual(1);
  });

  it('the command exits 0 when all went well and non-zero when a certificate could not be re-signed', async () => {
    await legacyCertificate('Command Line');
    const ok = await runCommand(t.databaseName);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/Re-signed 1 certificate\(s\)/);
    expect(ok.code).toBe(0);

    const { certificate } = await legacyCertificate('Broken Record');
    await db().query(`UPDATE certificates SET credential = credential - 'credentialSubject' WHERE id = $1`, [
      certificate.id,
    ]);
    const failed = await runCommand(t.databaseName);
    expect(failed.stderr).toContain(`Could not re-sign certificate ${certificate.id}`);
    expect(failed.code).toBe(1);
  });
});
