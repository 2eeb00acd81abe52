import { calendarDateIn } from '../../web/time-zones';
import {
  OB_V3_JSON_SCHEMA_URL,
  OPEN_BADGES_V3_CONTEXT_URL,
  OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './contexts';
import type { EvidenceJson, OpenBadgeCredentialJson, ProfileJson } from './credential-types';
import { hashEmailIdentity } from './identity-hash';
import type { IssuerProfile } from './issuer-document';
import { toXsdDateTime } from './json-ld';
import { buildStatusEntry, type StatusEntryInput } from './status-entry';

export interface MilestoneEvidence {
  kind: 'milestone';
  name: string;
  completedAt: Date;
  /** Name of the coach or organizer who approved it. */
  approvedBy: string;
  url?: string;
  narrative?: string;
  /** What happened, in a sentence; the default says when and by whom it was approved. */
  description?: string;
}

export interface WorkshopEvidence {
  kind: 'workshop';
  name: string;
  startsAt: Date;
  endsAt?: Date;
  /** The workshop's own zone: its dates are the days it took place there. */
  timeZone?: string;
  url?: string;
  /** What happened, in a sentence; the default says when it was attended. */
  description?: string;
}

/** A certificate of an earlier tier that this one requires, cited by its public URL. */
export interface CertificateEvidence {
  kind: 'certificate';
  name: string;
  /** The earlier certificate's public URL (its credential id). */
  url: string;
  awardedAt: Date;
  description?: string;
}

export type CredentialEvidence = MilestoneEvidence | WorkshopEvidence | CertificateEvidence;

export interface OpenBadgeCredentialInput {
  /** The credential's public URL; becomes its id. */
  credentialUrl: string;
  issuer: IssuerProfile;
  holder: { name: string; email: string; salt: string };
  track: {
    /** The track's public URL; becomes the achievement id. */
    id: string;
    name: string;
    description: string;
    criteriaNarrative: string;
    /** Curriculum version the holder completed the track on. */
    version: string;
    /** The badge artwork's URL (a PNG). */
    imageUrl?: string;
  };
  awardedAt: Date;
  validUntil?: Date;
  evidence: readonly CredentialEvidence[];
  status: StatusEntryInput;
}

/** The unsigned Open Badges 3.0 credential for a completed track. */
export function buildOpenBadgeCredential(input: OpenBadgeCredentialInput): OpenBadgeCredentialJson {
  for (const [what, url] of [
    ['credentialUrl', input.credentialUrl],
    ['issuer.id', input.issuer.id],
    ['issuer.url', input.issuer.url],
    ['track.id', input.track.id],
    ['status.listUrl', input.status.listUrl],
  ]) {
    if (!URL.canParse(url)) throw new TypeError(`${what} must be an absolute URL, got "${url}"`);
  }
  if (input.validUntil && input.validUntil <= input.awardedAt) {
    throw new RangeError('validUntil must be after awardedAt');
  }
  const evidence = withUniqueIds(input.evidence, input.credentialUrl);
  return {
    '@context': [VC_V2_CONTEXT_URL, OPEN_BADGES_V3_CONTEXT_URL, OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL],
    id: input.credentialUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: profileJson(input.issuer),
    name: input.track.name,
    validFrom: toXsdDateTime(input.awardedAt),
    ...(input.validUntil && { validUntil: toXsdDateTime(input.validUntil) }),
    credentialSubject: {
      type: ['AchievementSubject'],
      name: input.holder.name,
      identifier: [
        {
          type: 'IdentityObject',
          identityType: 'emailAddress',
          hashed: true,
          identityHash: hashEmailIdentity(input.holder.email, input.holder.salt),
          salt: input.holder.salt,
        },
      ],
      achievement: {
        id: input.track.id,
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: input.track.name,
        description: input.track.description,
        criteria: { narrative: input.track.criteriaNarrative },
        version: input.track.version,
        ...(input.track.imageUrl && {
          image: { id: input.track.imageUrl, type: 'Image', caption: `${input.track.name} badge` },
        }),
      },
    },
    ...(evidence.length > 0 && { evidence }),
    credentialSchema: [{ id: OB_V3_JSON_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }],
    credentialStatus: buildStatusEntry(input.status),
  };
}

/** The issuer as an Open Badges Profile (email and logo when set). */
export function profileJson(issuer: IssuerProfile): ProfileJson {
  return {
    id: issuer.id,
    type: ['Profile'],
    name: issuer.name,
    url: issuer.url,
    ...(issuer.email && { email: issuer.email }),
    ...(issuer.imageUrl && { image: { id: issuer.imageUrl, type: 'Image', caption: `${issuer.name} logo` } }),
  };
}

/**
 * Every entry gets its own id: JSON-LD merges nodes that share an id, and the signature would then
 * no longer bind an entry's name to its description. An entry keeps its own URL as id when no
 * other entry uses it; otherwise it gets a fragment of the credential's URL.
 */
function withUniqueIds(items: readonly CredentialEvidence[], credentialUrl: string): EvidenceJson[] {
  const uses = new Map<string, number>();
  for (const item of items) if (item.url) uses.set(item.url, (uses.get(item.url) ?? 0) + 1);
  return items.map((item, index) =>
    toEvidenceJson(
      item,
      item.url && uses.get(item.url) === 1 ? item.url : `${credentialUrl}#evidence-${index + 1}`,
    ),
  );
}

function toEvidenceJson(item: CredentialEvidence, id: string): EvidenceJson {
  const common = { id, type: ['Evidence'] as ['Evidence'], name: item.name };
  if (item.kind === 'milestone') {
    return {
      ...common,
      description:
        item.description ?? `Completed ${calendarDate(item.completedAt)}; approved by ${item.approvedBy}.`,
      genre: 'Milestone',
      ...(item.narrative && { narrative: item.narrative }),
    };
  }
  if (item.kind === 'certificate') {
    return {
      ...common,
      description: item.description ?? `Certificate awarded ${calendarDate(item.awardedAt)}.`,
      genre: 'Prerequisite certificate',
    };
  }
  const day = (date: Date) => (item.timeZone ? calendarDateIn(date, item.timeZone) : calendarDate(date));
  const start = day(item.startsAt);
  const end = item.endsAt ? day(item.endsAt) : start;
  return {
    ...common,
    description:
      item.description ?? (end === start ? `Attended on ${start}.` : `Attended from ${start} to ${end}.`),
    genre: 'Workshop attendance',
  };
}

function calendarDate(date: Date): string {
  return toXsdDateTime(date).slice(0, 10);
}
