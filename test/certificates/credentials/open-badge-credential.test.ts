import { createHash } from 'node:crypto';
import jsonld from 'jsonld';
import {
  buildOpenBadgeCredential,
  createIdentitySalt,
  hashEmailIdentity,
  type OpenBadgeCredentialJson,
  type Signed,
} from '../../../src/certificates/credentials';
import { checkStructure } from '../../../src/certificates/credentials/checks/structure';
import { copyOf, credentialInput, ISSUER, LIST_URL, TestIssuer } from './fixtures';

describe('buildOpenBadgeCredential', () => {
  it('maps the plain input onto an Open Badges 3.0 credential', () => {
    expect(buildOpenBadgeCredential(credentialInput())).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      ],
      id: 'https://academy.example.org/credentials/3f6c2a',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: ISSUER.id,
        type: ['Profile'],
        name: 'Organizer Academy',
        url: 'https://academy.example.org',
      },
      name: 'Chapter Lead',
      validFrom: '2025-05-01T12:00:00Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        name: 'Ada Organizer',
        identifier: [
          {
            type: 'IdentityObject',
            identityType: 'emailAddress',
            hashed: true,
            identityHash: hashEmailIdentity('ada@example.org', 'c0ffee'),
            salt: 'c0ffee',
          },
        ],
        achievement: {
          id: 'https://academy.example.org/tracks/chapter-lead',
          type: ['Achievement'],
          achievementType: 'CertificateOfCompletion',
          name: 'Chapter Lead',
          description: 'Runs a civic-tech chapter: recruiting, meetings and partnerships.',
          criteria: {
            narrative: 'Complete every milestone of the Chapter Lead track, each approved by a coach.',
          },
          version: '2025.1',
        },
      },
      evidence: [
        {
          id: 'https://academy.example.org/credentials/3f6c2a#evidence-1',
          type: ['Evidence'],
          name: 'Ran a first project night',
          description: 'Completed 2025-03-14; approved by Grace Coach.',
          genre: 'Milestone',
        },
        {
          id: 'https://academy.example.org/workshops/facilitation-basics',
          type: ['Evidence'],
          name: 'Facilitation basics',
          description: 'Attended from 2025-02-01 to 2025-02-02.',
          genre: 'Workshop attendance',
        },
      ],
      credentialSchema: [
        {
          id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
          type: '1EdTechJsonSchemaValidator2019',
        },
      ],
      credentialStatus: {
        id: `${LIST_URL}#42`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '42',
        statusListCredential: LIST_URL,
      },
    });
  });

  it('gives every evidence entry its own id, even when two share a page', () => {
    const shared = 'https://academy.example.org/tracks/chapter-lead/people-first';
    const credential = buildOpenBadgeCredential(
      credentialInput({
        evidence: [
          { kind: 'milestone', name: 'A', completedAt: new Date(), approvedBy: 'C', url: shared },
          { kind: 'milestone', name: 'B', completedAt: new Date(), approvedBy: 'C', url: shared },
          {
            kind: 'workshop',
            name: 'W',
            startsAt: new Date(),
            url: 'https://academy.example.org/workshops/w',
          },
        ],
      }),
    );
    const ids = credential.evidence!.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual([
      'https://academy.example.org/credentials/3f6c2a#evidence-1',
      'https://academy.example.org/credentials/3f6c2a#evidence-2',
      'https://academy.example.org/workshops/w',
    ]);
  });

  it('adds validUntil when given and leaves out an empty evidence list', () => {
    const credential = buildOpenBadgeCredential(
      credentialInput({ validUntil: new Date('2027-05-01T12:00:00.250Z'), evidence: [] }),
    );
    expect(credential.validUntil).toBe('2027-05-01T12:00:00Z');
    expect(credential).not.toHaveProperty('evidence');
  });

  it('rejects relative URLs and a validUntil before the award', () => {
    expect(() => buildOpenBadgeCredential(credentialInput({ credentialUrl: '/credentials/1' }))).toThrow(
      /credentialUrl must be an absolute URL/,
    );
    expect(() =>
      buildOpenBadgeCredential(credentialInput({ validUntil: new Date('2025-01-01T00:00:00Z') })),
    ).toThrow(/validUntil must be after awardedAt/);
  });
});

describe('hashEmailIdentity', () => {
  it('is "sha256$" + hex sha256 of the lower-cased address followed by the salt', () => {
    const expected = createHash('sha256')
      .update('ada@example.org' + 'pepper')
      .digest('hex');
    expect(hashEmailIdentity('  Ada@Example.ORG ', 'pepper')).toBe(`sha256$${expected}`);
  });

  it('uses fresh salts', () => {
    expect(createIdentitySalt()).toMatch(/^[0-9a-f]{32}$/);
    expect(createIdentitySalt()).not.toBe(createIdentitySalt());
  });
});

describe('Open Badges 3.0 structure', () => {
  let issuer: TestIssuer;
  let signed: Signed<OpenBadgeCredentialJson>;

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    signed = await issuer.issue();
  });

  // Required properties and types, from the OB 3.0 data model (AchievementCredential, Profile,
  // AchievementSubject, Achievement, Criteria, IdentityObject, Evidence) and VC Data Model 2.0.
  it('has every property Open Badges 3.0 requires, with the right types', () => {
    const { credentialSubject: subject } = signed;
    const { achievement } = subject;
    const [identity] = subject.identifier;

    expect(signed['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(signed['@context']).toContain('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json');
    expect(new URL(signed.id).protocol).toBe('https:');
    expect(signed.type).toEqual(expect.arrayContaining(['VerifiableCredential', 'OpenBadgeCredential']));
    expect(signed.name).toEqual(expect.any(String));
    expect(Date.parse(signed.validFrom)).not.toBeNaN();
    expect(signed.validFrom).toMatch(/Z$/);

    expect(new URL(signed.issuer.id).href).toBe(signed.issuer.id);
    expect(signed.issuer.type).toContain('Profile');

    expect(subject.type).toContain('AchievementSubject');
    expect(subject.identifier.length).toBeGreaterThan(0);
    expect(identity.type).toBe('IdentityObject');
    expect(identity.hashed).toBe(true);
    expect(identity.identityType).toBe('emailAddress');
    expect(identity.identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/);
    expect(identity.salt).toEqual(expect.any(String));

    expect(new URL(achievement.id).href).toBe(achievement.id);
    expect(achievement.type).toContain('Achievement');
    expect(achievement.name).toEqual(expect.any(String));
    expect(achievement.description).toEqual(expect.any(String));
    expect(achievement.criteria.narrative).toEqual(expect.any(String));

    for (const evidence of signed.evidence ?? []) expect(evidence.type).toContain('Evidence');
    expect(signed.evidence).toHaveLength(2);

    expect(signed.proof[0]).toMatchObject({ type: 'DataIntegrityProof', proofPurpose: 'assertionMethod' });
    expect(checkStructure(signed)).toEqual({
      check: 'structure',
      passed: true,
      reason: 'All the fields Open Badges 3.0 requires are present.',
    });
  });

  it('expands every term with the bundled contexts in JSON-LD safe mode, version included', async () => {
    const expanded = JSON.stringify(
      await jsonld.expand(signed, { documentLoader: issuer.documentLoader, safe: true }),
    );
    expect(expanded).toContain('https://purl.imsglobal.org/spec/vc/ob/vocab.html#version');
    expect(expanded).toContain('2025.1');
    expect(expanded).toContain('https://schema.org/genre');
    await expect(
      jsonld.expand(issuer.published.get(ISSUER.id)!, { documentLoader: issuer.documentLoader, safe: true }),
    ).resolves.toEqual(expect.any(Array));
  });

  const VC = 'https://www.w3.org/ns/credentials/v2';
  const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
  const REMOVE = undefined;

  it.each<[string, unknown, string]>([
    ['@context', [OB], '@context must start with'],
    ['@context', [VC], 'an Open Badges 3.0 context'],
    ['id', REMOVE, 'id must be an absolute URL'],
    ['type', ['VerifiableCredential'], 'type must include "OpenBadgeCredential"'],
    ['name', REMOVE, 'name must be non-empty text'],
    ['issuer', REMOVE, 'issuer must be an object'],
    ['issuer.id', REMOVE, 'issuer.id must be an absolute URL'],
    ['issuer.type', ['Organization'], 'issuer.type must include "Profile"'],
    ['validFrom', '2025-05-01', 'validFrom must be a date-time with a time zone'],
    ['validUntil', 'next year', 'validUntil must be a date-time with a time zone'],
    ['credentialSubject', REMOVE, 'credentialSubject must be an object'],
    ['credentialSubject.type', REMOVE, 'credentialSubject.type must include "AchievementSubject"'],
    ['credentialSubject.identifier', REMOVE, 'needs an id or at least one identifier'],
    ['credentialSubject.identifier.0.type', REMOVE, 'identifier[0].type must include "IdentityObject"'],
    ['credentialSubject.identifier.0.hashed', 'yes', 'identifier[0].hashed must be true or false'],
    [
      'credentialSubject.identifier.0.identityHash',
      REMOVE,
      'identifier[0].identityHash must be non-empty text',
    ],
    [
      'credentialSubject.identifier.0.identityType',
      REMOVE,
      'identifier[0].identityType must be non-empty text',
    ],
    ['credentialSubject.achievement', REMOVE, 'credentialSubject.achievement must be an object'],
    ['credentialSubject.achievement.id', REMOVE, 'achievement.id must be an absolute URL'],
    ['credentialSubject.achievement.type', REMOVE, 'achievement.type must include "Achievement"'],
    ['credentialSubject.achievement.name', REMOVE, 'achievement.name must be non-empty text'],
    ['credentialSubject.achievement.description', '', 'achievement.description must be non-empty text'],
    ['credentialSubject.achievement.criteria', REMOVE, 'achievement.criteria must be an object'],
    ['credentialSubject.achievement.criteria', {}, 'criteria needs an id or a narrative'],
    ['evidence.0.type', REMOVE, 'evidence[0].type must include "Evidence"'],
    [
      'credentialStatus.type',
      'StatusList2021Entry',
      'credentialStatus.type must include "BitstringStatusListEntry"',
    ],
    ['credentialStatus.statusListIndex', 42, 'statusListIndex must be a string of digits'],
    ['proof', REMOVE, 'proof is missing'],
    ['proof.0.proofPurpose', 'authentication', 'proof.proofPurpose must be "assertionMethod"'],
  ])('fails the structure check when %s is %p', (path, value, problem) => {
    const result = checkStructure(edited(signed, path, value));
    expect(result.passed).toBe(false);
    expect(result.reason).toContain(problem);
  });
});

/** A copy with the value at a dotted path replaced, or removed when value is undefined. */
function edited(credential: object, path: string, value: unknown): Record<string, unknown> {
  const copy = copyOf(credential) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = copy;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}
