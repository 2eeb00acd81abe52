import { createDocumentLoader, type JsonLdObject } from '../../../src/certificates/credentials';

const ISSUER_ID = 'https://academy.example.org/issuer';
const issuerDocument: JsonLdObject = {
  '@context': ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: ISSUER_ID,
  verificationMethod: [
    { id: `${ISSUER_ID}#key-1`, type: 'Multikey', controller: ISSUER_ID, publicKeyMultibase: 'z6Mk1' },
    { id: `${ISSUER_ID}#key-2`, type: 'Multikey', controller: ISSUER_ID, publicKeyMultibase: 'z6Mk2' },
  ],
};

describe('createDocumentLoader', () => {
  const asked: string[] = [];
  const load = createDocumentLoader((url) => {
    asked.push(url);
    return Promise.resolve(url === ISSUER_ID ? issuerDocument : null);
  });

  beforeEach(() => (asked.length = 0));

  it.each([
    'https://www.w3.org/ns/credentials/v2',
    'https://www.w3.org/2018/credentials/v1',
    'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    'https://w3id.org/security/data-integrity/v2',
    'https://w3id.org/security/multikey/v1',
    'https://w3id.org/security/v2',
    'https://w3id.org/security/v1',
    'https://www.w3.org/ns/credentials/status/v1',
  ])('serves the bundled context %s without asking the app', async (url) => {
    const { document, documentUrl } = await load(url);
    expect(documentUrl).toBe(url);
    expect(document['@context']).toEqual(expect.any(Object));
    expect(asked).toEqual([]);
  });

  it("resolves the app's own documents through the resolver", async () => {
    await expect(load(ISSUER_ID)).resolves.toEqual({
      contextUrl: null,
      documentUrl: ISSUER_ID,
      document: issuerDocument,
    });
    expect(asked).toEqual([ISSUER_ID]);
  });

  it('resolves a key id to its verification method, with the Multikey context', async () => {
    const { document } = await load(`${ISSUER_ID}#key-2`);
    expect(document).toEqual({
      '@context': 'https://w3id.org/security/multikey/v1',
      id: `${ISSUER_ID}#key-2`,
      type: 'Multikey',
      controller: ISSUER_ID,
      publicKeyMultibase: 'z6Mk2',
    });
    expect(asked).toEqual([ISSUER_ID]);
  });

  it('throws, naming the URL, for an unknown key or any other URL', async () => {
    await expect(load(`${ISSUER_ID}#key-3`)).rejects.toThrow(`${ISSUER_ID}#key-3`);
    await expect(load('https://example.com/context.jsonld')).rejects.toThrow(
      'https://example.com/context.jsonld',
    );
    await expect(load('did:web:example.com')).rejects.toThrow('did:web:example.com');
  });
});
