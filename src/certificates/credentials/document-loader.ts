import { bundledContexts, MULTIKEY_V1_CONTEXT_URL } from './contexts';
import { isJsonObject, valuesOf, type DocumentLoader, type JsonLdObject } from './json-ld';

/**
 * Looks up one of the app's own published documents (issuer document, status list credential)
 * by URL, without the fragment; null when there is none.
 */
export type AppDocumentResolver = (url: string) => Promise<JsonLdObject | null>;

/**
 * A loader that never touches the network: contexts come from the installed packages, and
 * everything else from the app's resolver. A URL with a fragment (a key id such as
 * https://academy.example.org/issuer#key-1) resolves to that verification method inside the
 * document at the URL before the "#".
 */
export function createDocumentLoader(resolveAppDocument: AppDocumentResolver): DocumentLoader {
  return async (url) => {
    const context = bundledContexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };

    const [documentUrl, fragment] = splitFragment(url);
    const document = await resolveAppDocument(documentUrl);
    if (!document)
      throw new Error(`Refusing to load ${url}: it is neither a bundled context nor one of our documents`);
    if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };

    const verificationMethod = findVerificationMethod(document, url);
    if (!verificationMethod) throw new Error(`No verification method ${url} in ${documentUrl}`);
    return {
      contextUrl: null,
      documentUrl: url,
      // The key libraries want a Multikey to carry its own context.
      document: { '@context': MULTIKEY_V1_CONTEXT_URL, ...verificationMethod },
    };
  };
}

function splitFragment(url: string): [string, string | undefined] {
  const hash = url.indexOf('#');
  return hash === -1 ? [url, undefined] : [url.slice(0, hash), url.slice(hash + 1)];
}

function findVerificationMethod(document: JsonLdObject, id: string): JsonLdObject | undefined {
  return valuesOf(document.verificationMethod)
    .filter(isJsonObject)
    .find((method) => method.id === id);
}
