import { idOf, isJsonObject, valuesOf, type DocumentLoader } from '../json-ld';
import { failed, passed, type CheckResult } from './check-result';
import { proofOf } from './proof-of';

/** The signing key is published in the issuer's document and authorised for issuing credentials. */
export async function checkIssuerKey(
  credential: unknown,
  documentLoader: DocumentLoader,
): Promise<CheckResult> {
  const issuerId = isJsonObject(credential) ? idOf(credential.issuer) : undefined;
  const keyId = idOf(proofOf(credential)?.verificationMethod);
  if (!issuerId || !keyId) {
    return failed(
      'known-issuer-key',
      'The credential does not name both its issuer and the key it was signed with.',
    );
  }

  const key = await loadOrUndefined(documentLoader, keyId);
  if (!key) return failed('known-issuer-key', `The signing key ${keyId} is not one the issuer publishes.`);
  const controller = idOf(key.controller);
  if (controller !== issuerId) {
    return failed(
      'known-issuer-key',
      `The signing key ${keyId} belongs to ${controller ?? 'no one'}, not to the issuer ${issuerId}.`,
    );
  }

  const issuerDocument = await loadOrUndefined(documentLoader, issuerId);
  if (!issuerDocument)
    return failed('known-issuer-key', `The issuer's document ${issuerId} could not be loaded.`);
  if (!valuesOf(issuerDocument.assertionMethod).some((method) => idOf(method) === keyId)) {
    return failed('known-issuer-key', `The issuer does not authorise the key ${keyId} to issue credentials.`);
  }
  return passed(
    'known-issuer-key',
    `Signed with ${keyId}, a key the issuer publishes for issuing credentials.`,
  );
}

async function loadOrUndefined(documentLoader: DocumentLoader, url: string) {
  try {
    return (await documentLoader(url)).document;
  } catch {
    return undefined;
  }
}
