import { verifyProof, type JsonLdObject, type ProofVerifier } from '../../src/certificates/credentials';
import { ProofResults } from '../../src/certificates/proof-results';
import { copyOf, ISSUER, TestIssuer } from './credentials/fixtures';

describe('proof results', () => {
  let issuer: TestIssuer;
  let credential: JsonLdObject;
  let checked: JsonLdObject[];
  const countingCheck: ProofVerifier = (document, loader) => {
    checked.push(document);
    return verifyProof(document, loader);
  };
  const issuerDocument = () => Promise.resolve(issuer.published.get(ISSUER.id));

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    credential = (await issuer.issue()) as unknown as JsonLdObject;
  });
  beforeEach(() => {
    checked = [];
  });

  it('checks a proof once, and gives the same answer for the same document and issuer document', async () => {
    const proofs = new ProofResults(countingCheck);
    const first = await proofs.verifier(issuerDocument, [])(credential, issuer.documentLoader);
    const again = await proofs.verifier(issuerDocument, [])(copyOf(credential), issuer.documentLoader);

    expect(first).toEqual({ verified: true });
    expect(again).toEqual({ verified: true });
    expect(checked).toHaveLength(1);
  });

  it('checks a changed document for real, so a tampered copy never borrows a genuine answer', async () => {
    const proofs = new ProofResults(countingCheck);
    await proofs.verifier(issuerDocument, [])(credential, issuer.documentLoader);
    const tampered = copyOf(credential);
    (tampered.credentialSubject as { name: string }).name = 'Somebody Else';

    const answer = await proofs.verifier(issuerDocument, [])(tampered, issuer.documentLoader);

    expect(answer.verified).toBe(false);
    expect(checked).toHaveLength(2);
  });

  it('checks again once the issuer document changes (a key added or withdrawn)', async () => {
    const proofs = new ProofResults(countingCheck);
    await proofs.verifier(issuerDocument, [])(credential, issuer.documentLoader);
    const withoutKeys = { ...issuer.published.get(ISSUER.id), assertionMethod: [] };

    await proofs.verifier(() => Promise.resolve(withoutKeys), [])(credential, issuer.documentLoader);

    expect(checked).toHaveLength(2);
  });

  it('keeps no answer given while the database failed, and checks for real when the issuer document cannot be read', async () => {
    const proofs = new ProofResults(countingCheck);
    await proofs.verifier(issuerDocument, [new Error('database gone')])(credential, issuer.documentLoader);
    await proofs.verifier(() => Promise.reject(new Error('database gone')), [])(
      credential,
      issuer.documentLoader,
    );
    await proofs.verifier(issuerDocument, [])(credential, issuer.documentLoader);

    expect(checked).toHaveLength(3);
  });
});
