import fs from 'node:fs';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { TestIssuer } from '../credentials/fixtures';
import { createUser } from '../../helpers/factories';
import { startTestApp, type TestApp } from '../../helpers/app';
import { certificateKit } from '../kit';
import { SCHEMA_FILE } from './partner-fetch';

/** The 1EdTech OB 3.0 AchievementCredential schema, as 1EdTech's validator and the DCC apply it. */
function schemaValidator() {
  // strict: false because the published schema uses tuple "items" without minItems (a style warning).
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

describe('every credential we issue passes the 1EdTech JSON Schema', () => {
  const validate = schemaValidator();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a certificate issued through the app, as served, has zero schema errors', async () => {
    const kit = certificateKit(t);
    const holder = await createUser(t.dataSource.manager, { displayName: 'Schema Holder' });
    const certificate = await kit.certify(holder.id);
    const served = (await request(t.app).get(`/c/${certificate.code}/credential.json`)).body as object;
    validate(served);
    expect(validate.errors ?? []).toEqual([]);
    expect(served).toMatchObject({
      proof: [expect.objectContaining({ type: 'DataIntegrityProof' })],
      credentialSchema: [{ type: '1EdTechJsonSchemaValidator2019' }],
    });
  });

  it('a credential signed by the credential library has zero schema errors', async () => {
    const issuer = await TestIssuer.create();
    const signed = await issuer.issue();
    validate(signed);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('the schema catches what it is meant to: a single proof object is an error', async () => {
    const issuer = await TestIssuer.create();
    const signed = await issuer.issue();
    expect(validate({ ...signed, proof: signed.proof[0] })).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toContain('/proof');
  });
});
