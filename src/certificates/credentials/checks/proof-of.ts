import { isJsonObject, valuesOf, type JsonLdObject } from '../json-ld';

/** The credential's proof; we only ever add one. */
export function proofOf(credential: unknown): JsonLdObject | undefined {
  if (!isJsonObject(credential)) return undefined;
  return valuesOf(credential.proof).find(isJsonObject);
}
