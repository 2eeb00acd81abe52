import {
  OB_V3_JSON_SCHEMA_URL,
  OPEN_BADGES_V3_CONTEXT_URL,
  OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './contexts';
import type { IssuerProfile } from './issuer-document';
import { isJsonObject, valuesOf, type JsonLdObject } from './json-ld';
import { profileJson } from './open-badge-credential';

/**
 * A stored credential brought to today's shape, unsigned, for re-signing under the DID: the same
 * id (its public link), award date, expiry, holder, achievement, evidence and status entry; the
 * issuer named by its DID (with logo and email), the current contexts, achievementType, badge
 * image and credentialSchema; and every evidence entry with its own id (entries that shared one
 * get a fragment of the credential's URL). Throws when the stored credential is not one of ours.
 */
export function upgradeCredential(
  stored: JsonLdObject,
  options: { issuer: IssuerProfile; badgeImageUrl?: string },
): JsonLdObject {
  const claims = { ...stored };
  delete claims.proof;
  const subject = claims.credentialSubject;
  if (typeof claims.id !== 'string' || !isJsonObject(subject) || !isJsonObject(subject.achievement)) {
    throw new TypeError('This stored credential has no id or no achievement; it cannot be re-signed');
  }
  const achievement = subject.achievement;
  return {
    ...claims,
    '@context': [VC_V2_CONTEXT_URL, OPEN_BADGES_V3_CONTEXT_URL, OPEN_BADGES_V3_EXTENSIONS_CONTEXT_URL],
    issuer: profileJson(options.issuer),
    credentialSubject: {
      ...subject,
      achievement: {
        ...achievement,
        achievementType: achievement.achievementType ?? 'CertificateOfCompletion',
        ...(options.badgeImageUrl &&
          achievement.image === undefined && {
            image: { id: options.badgeImageUrl, type: 'Image', caption: `${String(achievement.name)} badge` },
          }),
      },
    },
    ...(claims.evidence !== undefined && { evidence: withOwnIds(valuesOf(claims.evidence), claims.id) }),
    credentialSchema: [{ id: OB_V3_JSON_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' }],
  };
}

function withOwnIds(entries: unknown[], credentialId: string): unknown[] {
  const uses = new Map<unknown, number>();
  for (const entry of entries) if (isJsonObject(entry)) uses.set(entry.id, (uses.get(entry.id) ?? 0) + 1);
  return entries.map((entry, index) => {
    if (!isJsonObject(entry)) return entry;
    const own = typeof entry.id === 'string' && uses.get(entry.id) === 1;
    return { ...entry, id: own ? entry.id : `${credentialId}#evidence-${index + 1}` };
  });
}
