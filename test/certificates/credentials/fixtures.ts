import {
  buildIssuerDocument,
  buildOpenBadgeCredential,
  buildStatusListCredential,
  createDocumentLoader,
  createStatusBits,
  generateIssuerKey,
  importIssuerKey,
  signCredential,
  type IssuerKeyRecord,
  type IssuerProfile,
  type IssuerSigningKey,
  type JsonLdObject,
  type OpenBadgeCredentialInput,
  type StatusBits,
} from '../../../src/certificates/credentials';

export const ISSUER: IssuerProfile = {
  id: 'https://academy.example.org/issuer',
  name: 'Organizer Academy',
  url: 'https://academy.example.org',
};
export const LIST_URL = 'https://academy.example.org/credentials/status/1';
export const AWARDED_AT = new Date('2025-05-01T12:00:00Z');
/** The verifier's clock in most tests. */
export const NOW = new Date('2025-06-01T09:00:00Z');

export function credentialInput(overrides: Partial<OpenBadgeCredentialInput> = {}): OpenBadgeCredentialInput {
  return {
    credentialUrl: 'https://academy.example.org/credentials/3f6c2a',
    issuer: ISSUER,
    holder: { name: 'Ada Organizer', email: 'Ada@Example.org', salt: 'c0ffee' },
    track: {
      id: 'https://academy.example.org/tracks/chapter-lead',
      name: 'Chapter Lead',
      description: 'Runs a civic-tech chapter: recruiting, meetings and partnerships.',
      criteriaNarrative: 'Complete every milestone of the Chapter Lead track, each approved by a coach.',
      version: '2025.1',
    },
    awardedAt: AWARDED_AT,
    evidence: [
      {
        kind: 'milestone',
        name: 'Ran a first project night',
        completedAt: new Date('2025-03-14T19:00:00Z'),
        approvedBy: 'Grace Coach',
      },
      {
        kind: 'workshop',
        name: 'Facilitation basics',
        startsAt: new Date('2025-02-01T10:00:00Z'),
        endsAt: new Date('2025-02-02T16:00:00Z'),
        url: 'https://academy.example.org/workshops/facilitation-basics',
      },
    ],
    status: { listUrl: LIST_URL, index: 42 },
    ...overrides,
  };
}

/** An issuer with its documents "published" in memory, as the app's resolver would serve them. */
export class TestIssuer {
  readonly published = new Map<string, JsonLdObject>();
  readonly documentLoader = createDocumentLoader((url) => Promise.resolve(this.published.get(url) ?? null));
  keyRecords: IssuerKeyRecord[] = [];
  signingKey!: IssuerSigningKey;
  bits: StatusBits = createStatusBits();

  static async create(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    await issuer.rotateKey();
    return issuer;
  }

  /** Adds a new key, signs with it from now on and republishes the issuer document. */
  async rotateKey(): Promise<void> {
    const record = await generateIssuerKey({ issuerId: ISSUER.id, keyNumber: this.keyRecords.length + 1 });
    this.keyRecords.push(record);
    this.signingKey = await importIssuerKey(record);
    this.publishIssuerDocument(this.keyRecords);
    await this.publishStatusList();
  }

  publishIssuerDocument(keys: IssuerKeyRecord[]): void {
    this.publish(ISSUER.id, buildIssuerDocument(ISSUER, keys));
  }

  async publishStatusList(bits: StatusBits = this.bits): Promise<void> {
    this.bits = bits;
    const list = buildStatusListCredential({
      listUrl: LIST_URL,
      issuerId: ISSUER.id,
      bits,
      publishedAt: AWARDED_AT,
    });
    this.publish(LIST_URL, await signCredential(list, this.signingKey, this.documentLoader));
  }

  publish(url: string, document: object): void {
    this.published.set(url, JSON.parse(JSON.stringify(document)) as JsonLdObject);
  }

  issue(overrides: Partial<OpenBadgeCredentialInput> = {}) {
    return signCredential(
      buildOpenBadgeCredential(credentialInput(overrides)),
      this.signingKey,
      this.documentLoader,
    );
  }
}

/** A deep copy with every object's keys in reverse order, round-tripped through indented JSON. */
export function reshuffled<T>(value: T): T {
  const reorder = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(reorder);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node)
        .reverse()
        .map(([key, child]) => [key, reorder(child)]),
    );
  };
  return JSON.parse(JSON.stringify(reorder(value), null, 4)) as T;
}

export function copyOf<T>(value: T): T {
  return structuredClone(value);
}
