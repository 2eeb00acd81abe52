import { idOf, valuesOf, type DocumentLoader } from '../json-ld';

/**
 * True when two issuer ids name the same issuer: they are equal, or each one's document names the
 * other in `alsoKnownAs` (an issuer that moved to a DID keeps its old id, and each side vouches
 * for the other). Documents come from the caller's loader, so only documents it trusts count.
 */
export async function sameIssuer(
  a: string | undefined,
  b: string | undefined,
  documentLoader: DocumentLoader,
): Promise<boolean> {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  return (await namesAlias(a, b, documentLoader)) && (await namesAlias(b, a, documentLoader));
}

async function namesAlias(id: string, alias: string, documentLoader: DocumentLoader): Promise<boolean> {
  try {
    const { document } = await documentLoader(id);
    return document.id === id && valuesOf(document.alsoKnownAs).some((value) => idOf(value) === alias);
  } catch {
    return false;
  }
}
