import { idOf, isDateTimeStamp, isJsonObject, typesOf, type DocumentLoader } from '../json-ld';
import { decodeStatusList, isStatusBitSet, statusListLength } from '../status-list';
import { failed, passed, type CheckResult } from './check-result';
import { sameIssuer } from './same-issuer';
import { verifyProof, type ProofVerifier } from './verify-proof';

/** Not revoked, according to the issuer's own signed Bitstring Status List. */
export async function checkStatus(
  credential: unknown,
  documentLoader: DocumentLoader,
  now: Date,
  verify: ProofVerifier = verifyProof,
  signal?: AbortSignal,
): Promise<CheckResult> {
  if (!isJsonObject(credential)) return failed('status', 'The credential is not a JSON object.');
  const entry = credential.credentialStatus;
  if (entry === undefined) {
    return passed('status', 'The credential has no status entry, so it cannot be revoked.');
  }
  if (
    !isJsonObject(entry) ||
    entry.type !== 'BitstringStatusListEntry' ||
    entry.statusPurpose !== 'revocation' ||
    typeof entry.statusListCredential !== 'string' ||
    typeof entry.statusListIndex !== 'string' ||
    !/^\d+$/.test(entry.statusListIndex)
  ) {
    return failed('status', "The credential's status entry is not a Bitstring Status List revocation entry.");
  }
  const listUrl = entry.statusListCredential;
  const index = Number(entry.statusListIndex);

  const list = await loadTrustedList(listUrl, idOf(credential.issuer), documentLoader, now, verify, signal);
  if ('problem' in list) return failed('status', list.problem);
  const bits = decodeStatusList(list.encodedList);
  if (index >= statusListLength(bits)) {
    return failed('status', `The credential's position ${index} is outside the revocation list.`);
  }
  if (isStatusBitSet(bits, index)) return failed('status', 'The issuer has revoked this credential.');
  return passed('status', "Not revoked, according to the issuer's signed revocation list.");
}

/** The list's encodedList, once the list is known to be the issuer's signed, current revocation list. */
async function loadTrustedList(
  listUrl: string,
  issuerId: string | undefined,
  documentLoader: DocumentLoader,
  now: Date,
  verify: ProofVerifier,
  signal?: AbortSignal,
): Promise<{ encodedList: string } | { problem: string }> {
  let list;
  try {
    list = (await documentLoader(listUrl)).document;
  } catch {
    return {
      problem: `The revocation list ${listUrl} could not be loaded, so revocation cannot be ruled out.`,
    };
  }
  const untrusted = (why: string) => ({
    problem: `The revocation list ${listUrl} cannot be trusted: ${why}`,
  });
  const subject = list.credentialSubject;
  if (
    !typesOf(list).includes('BitstringStatusListCredential') ||
    !isJsonObject(subject) ||
    !typesOf(subject).includes('BitstringStatusList') ||
    subject.statusPurpose !== 'revocation' ||
    typeof subject.encodedList !== 'string'
  ) {
    return untrusted('it is not a revocation Bitstring Status List credential.');
  }
  if (!(await sameIssuer(idOf(list.issuer), issuerId, documentLoader))) {
    return untrusted("it was not issued by the credential's issuer.");
  }
  if (isDateTimeStamp(list.validUntil) && Date.parse(list.validUntil) < now.getTime()) {
    return untrusted(`it expired on ${list.validUntil}.`);
  }
  const proof = await verify(list, documentLoader, signal);
  return proof.verified ? { encodedList: subject.encodedList } : untrusted(proof.reason);
}
