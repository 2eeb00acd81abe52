import {
  buildDidDocument,
  didDocumentAppPath,
  didDocumentUrl,
  didWebFromBaseUrl,
} from '../../../src/certificates/credentials';

describe('did:web from BASE_URL', () => {
  it.each([
    ['https://academy.example.org', 'did:web:academy.example.org', '/.well-known/did.json'],
    ['http://127.0.0.1:3000', 'did:web:127.0.0.1%3A3000', '/.well-known/did.json'],
    ['https://example.org/org/academy', 'did:web:example.org:org:academy', '/did.json'],
    ['https://example.org:8443/a%20b', 'did:web:example.org%3A8443:a%20b', '/did.json'],
  ])('%s is %s, its document served at %s', (baseUrl, did, appPath) => {
    expect(didWebFromBaseUrl(baseUrl)).toBe(did);
    expect(didDocumentAppPath(baseUrl)).toBe(appPath);
  });

  it('resolves to the document URL a did:web resolver fetches, always over HTTPS', () => {
    expect(didDocumentUrl('did:web:academy.example.org')).toBe(
      'https://academy.example.org/.well-known/did.json',
    );
    expect(didDocumentUrl('did:web:127.0.0.1%3A3000')).toBe('https://127.0.0.1:3000/.well-known/did.json');
    expect(didDocumentUrl('did:web:example.org:org:academy')).toBe(
      'https://example.org/org/academy/did.json',
    );
  });

  it('lists every key for assertions and refuses keys of another controller', () => {
    const did = 'did:web:academy.example.org';
    const keys = [1, 2].map((n) => ({
      id: `${did}#key-${n}`,
      controller: did,
      publicKeyMultibase: `z6Mk${n}`,
    }));
    expect(buildDidDocument(did, keys, ['https://academy.example.org/issuer'])).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      alsoKnownAs: ['https://academy.example.org/issuer'],
      verificationMethod: keys.map((key) => ({ ...key, type: 'Multikey' })),
      assertionMethod: [`${did}#key-1`, `${did}#key-2`],
    });
    const foreign = {
      id: 'did:web:evil.example#key-1',
      controller: 'did:web:evil.example',
      publicKeyMultibase: 'z',
    };
    expect(() => buildDidDocument(did, [foreign])).toThrow(/does not belong/);
    expect(() => buildDidDocument(did, [])).toThrow(/at least one key/);
  });
});
