import { calendarDateIn } from '../../web/time-zones';
import { OPEN_BADGES_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts';
import type { EvidenceJson, OpenBadgeCredentialJson } from './credential-types';
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
}

export interface WorkshopEvidence {
  kind: 'workshop';
  name: string;
  startsAt: Date;
  endsAt?: Date;
  /** The workshop's own zone: its dates are the days it took place there. */
  timeZone?: string;
  url?: string;
}

export type CredentialEvidence = MilestoneEvidence | WorkshopEvidence;

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
  const evidence = input.evidence.map(toEvidenceJson);
  return {
    '@context': [VC_V2_CONTEXT_URL, OPEN_BADGES_V3_CONTEXT_URL],
    id: input.credentialUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: input.issuer.id, type: ['Profile'], name: input.issuer.name, url: input.issuer.url },
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
        name: input.track.name,
        description: input.track.description,
        criteria: { narrative: input.track.criteriaNarrative },
        version: input.track.version,
      },
    },
    ...(evidence.length > 0 && { evidence }),
    credentialStatus: buildStatusEntry(input.status),
  };
}

function toEvidenceJson(item: CredentialEvidence): EvidenceJson {
  const common = { ...(item.url && { id: item.url }), type: ['Evidence'] as ['Evidence'], name: item.name };
  if (item.kind === 'milestone') {
    return {
      ...common,
      description: `Completed ${calendarDate(item.completedAt)}; approved by ${item.approvedBy}.`,
      genre: 'Milestone',
      ...(item.narrative && { narrative: item.narrative }),
    };
  }
  const day = (date: Date) => (item.timeZone ? calendarDateIn(date, item.timeZone) : calendarDate(date));
  const start = day(item.startsAt);
  const end = item.endsAt ? day(item.endsAt) : start;
  return {
    ...common,
    description: end === start ? `Attended on ${start}.` : `Attended from ${start} to ${end}.`,
    genre: 'Workshop attendance',
  };
}

function calendarDate(date: Date): string {
  return toXsdDateTime(date).slice(0, 10);
}
