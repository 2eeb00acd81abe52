import { OPEN_BADGES_V3_CONTEXT_URLS, VC_V2_CONTEXT_URL } from '../contexts';
import {
  isAbsoluteUrl,
  isDateTimeStamp,
  isJsonObject,
  typesOf,
  valuesOf,
  type JsonLdObject,
} from '../json-ld';
import { failed, passed, type CheckResult } from './check-result';
import { proofOf } from './proof-of';

/** Fields Open Badges 3.0 and VC 2.0 require, with their types. */
export function checkStructure(credential: unknown): CheckResult {
  const problems = structureProblems(credential);
  if (problems.length === 0)
    return passed('structure', 'All the fields Open Badges 3.0 requires are present.');
  return failed('structure', `This is not a well-formed Open Badges 3.0 credential: ${problems.join('; ')}.`);
}

function structureProblems(credential: unknown): string[] {
  if (!isJsonObject(credential)) return ['it is not a JSON object'];
  const shape = new ShapeProblems();

  const contexts = valuesOf(credential['@context']);
  if (contexts[0] !== VC_V2_CONTEXT_URL) shape.add(`@context must start with ${VC_V2_CONTEXT_URL}`);
  if (!contexts.some((context) => typeof context === 'string' && OPEN_BADGES_V3_CONTEXT_URLS.has(context))) {
    shape.add('@context must include an Open Badges 3.0 context');
  }
  shape.url(credential.id, 'id');
  shape.type(credential, 'VerifiableCredential', 'type');
  if (
    !typesOf(credential).some((type) => type === 'OpenBadgeCredential' || type === 'AchievementCredential')
  ) {
    shape.add('type must include "OpenBadgeCredential"');
  }
  shape.text(credential.name, 'name');
  shape.dateTime(credential.validFrom, 'validFrom');
  shape.dateTime(credential.validUntil, 'validUntil', { optional: true });

  const issuer = shape.object(credential.issuer, 'issuer');
  if (issuer) {
    shape.url(issuer.id, 'issuer.id');
    shape.type(issuer, 'Profile', 'issuer.type');
    shape.text(issuer.name, 'issuer.name', { optional: true });
    shape.url(issuer.url, 'issuer.url', { optional: true });
  }

  const subject = shape.object(credential.credentialSubject, 'credentialSubject');
  if (subject) checkAchievementSubject(subject, shape);

  valuesOf(credential.evidence).forEach((item, index) => checkEvidence(item, `evidence[${index}]`, shape));
  if (credential.credentialStatus !== undefined) checkStatusEntry(credential.credentialStatus, shape);
  checkProof(credential, shape);
  return shape.list;
}

function checkAchievementSubject(subject: JsonLdObject, shape: ShapeProblems): void {
  shape.type(subject, 'AchievementSubject', 'credentialSubject.type');
  const identifiers = valuesOf(subject.identifier);
  if (subject.id === undefined && identifiers.length === 0) {
    shape.add('credentialSubject needs an id or at least one identifier');
  }
  identifiers.forEach((identifier, index) => {
    const path = `credentialSubject.identifier[${index}]`;
    const identity = shape.object(identifier, path);
    if (!identity) return;
    shape.type(identity, 'IdentityObject', `${path}.type`);
    if (typeof identity.hashed !== 'boolean') shape.add(`${path}.hashed must be true or false`);
    shape.text(identity.identityHash, `${path}.identityHash`);
    shape.text(identity.identityType, `${path}.identityType`);
    shape.text(identity.salt, `${path}.salt`, { optional: true });
  });

  const achievement = shape.object(subject.achievement, 'credentialSubject.achievement');
  if (!achievement) return;
  shape.url(achievement.id, 'credentialSubject.achievement.id');
  shape.type(achievement, 'Achievement', 'credentialSubject.achievement.type');
  shape.text(achievement.name, 'credentialSubject.achievement.name');
  shape.text(achievement.description, 'credentialSubject.achievement.description');
  shape.text(achievement.version, 'credentialSubject.achievement.version', { optional: true });
  const criteria = shape.object(achievement.criteria, 'credentialSubject.achievement.criteria');
  if (criteria) {
    shape.url(criteria.id, 'credentialSubject.achievement.criteria.id', { optional: true });
    shape.text(criteria.narrative, 'credentialSubject.achievement.criteria.narrative', { optional: true });
    if (criteria.id === undefined && criteria.narrative === undefined) {
      shape.add('credentialSubject.achievement.criteria needs an id or a narrative');
    }
  }
}

function checkEvidence(item: unknown, path: string, shape: ShapeProblems): void {
  const evidence = shape.object(item, path);
  if (!evidence) return;
  shape.type(evidence, 'Evidence', `${path}.type`);
  shape.url(evidence.id, `${path}.id`, { optional: true });
  for (const field of ['name', 'description', 'narrative', 'genre', 'audience']) {
    shape.text(evidence[field], `${path}.${field}`, { optional: true });
  }
}

function checkStatusEntry(value: unknown, shape: ShapeProblems): void {
  const status = shape.object(value, 'credentialStatus');
  if (!status) return;
  shape.type(status, 'BitstringStatusListEntry', 'credentialStatus.type');
  shape.text(status.statusPurpose, 'credentialStatus.statusPurpose');
  if (typeof status.statusListIndex !== 'string' || !/^\d+$/.test(status.statusListIndex)) {
    shape.add('credentialStatus.statusListIndex must be a string of digits');
  }
  shape.url(status.statusListCredential, 'credentialStatus.statusListCredential');
}

function checkProof(credential: JsonLdObject, shape: ShapeProblems): void {
  const proof = proofOf(credential);
  if (!proof) {
    shape.add('proof is missing');
    return;
  }
  shape.text(proof.type, 'proof.type');
  shape.text(proof.cryptosuite, 'proof.cryptosuite');
  shape.url(proof.verificationMethod, 'proof.verificationMethod');
  if (proof.proofPurpose !== 'assertionMethod') shape.add('proof.proofPurpose must be "assertionMethod"');
  shape.text(proof.proofValue, 'proof.proofValue');
}

class ShapeProblems {
  readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  object(value: unknown, path: string): JsonLdObject | undefined {
    if (isJsonObject(value)) return value;
    this.add(`${path} must be an object`);
    return undefined;
  }

  type(node: JsonLdObject, expected: string, path: string): void {
    if (!typesOf(node).includes(expected)) this.add(`${path} must include "${expected}"`);
  }

  text(value: unknown, path: string, { optional = false } = {}): void {
    if (optional && value === undefined) return;
    if (typeof value !== 'string' || value.trim() === '') this.add(`${path} must be non-empty text`);
  }

  url(value: unknown, path: string, { optional = false } = {}): void {
    if (optional && value === undefined) return;
    if (!isAbsoluteUrl(value)) this.add(`${path} must be an absolute URL`);
  }

  dateTime(value: unknown, path: string, { optional = false } = {}): void {
    if (optional && value === undefined) return;
    if (!isDateTimeStamp(value)) this.add(`${path} must be a date-time with a time zone`);
  }
}
