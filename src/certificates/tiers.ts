import type { EntityManager } from 'typeorm';
import type { Curriculum, CurriculumTrack } from '../curriculum/curriculum.types';
import { Certificate } from './certificate.entities';
import type { CertificateEvidence } from './credentials';

/**
 * The person's certificates in force now (not superseded, revoked or expired) for the given tracks,
 * by track id. A tier's certificate is issued only while those of the tracks it requires are in force.
 */
export async function certificatesInForce(
  manager: EntityManager,
  userId: string,
  trackIds: readonly string[],
): Promise<Map<string, Certificate>> {
  if (!trackIds.length) return new Map();
  const rows = await manager
    .createQueryBuilder(Certificate, 'c')
    .where('c.user_id = :userId AND c.track_id IN (:...trackIds)', { userId, trackIds })
    .andWhere('c.superseded_at IS NULL AND c.revoked_at IS NULL')
    .andWhere('(c.valid_until IS NULL OR c.valid_until > now())')
    .getMany();
  return new Map(rows.map((row) => [row.trackId, row]));
}

/** The required tracks the person holds no certificate in force for (empty: the tier is open). */
export async function missingTiers(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
  curriculum: Curriculum,
): Promise<CurriculumTrack[]> {
  const held = await certificatesInForce(manager, userId, track.requires);
  return track.requires
    .filter((trackId) => !held.has(trackId))
    .map((trackId) => curriculum.trackById.get(trackId))
    .filter((required): required is CurriculumTrack => required !== undefined);
}

/** Evidence entries citing the certificates of the tracks this one requires, by their public URLs. */
export async function prerequisiteEvidence(
  manager: EntityManager,
  userId: string,
  track: CurriculumTrack,
  curriculum: Curriculum,
  urlOf: (code: string) => string,
): Promise<CertificateEvidence[]> {
  const held = await certificatesInForce(manager, userId, track.requires);
  return track.requires.flatMap((trackId) => {
    const certificate = held.get(trackId);
    if (!certificate) return [];
    const name = curriculum.trackById.get(trackId)?.certificateName ?? trackId;
    const day = certificate.awardedAt.toISOString().slice(0, 10);
    return [
      {
        kind: 'certificate' as const,
        name: `${name} certificate`,
        url: urlOf(certificate.code),
        awardedAt: certificate.awardedAt,
        description: `Holds the ${name} certificate (awarded ${day}), which this tier requires.`,
      },
    ];
  });
}

/** Tracks that require the given one: a newly issued certificate may complete them too. */
export function dependentTracks(curriculum: Curriculum, trackId: string): CurriculumTrack[] {
  return curriculum.tracks.filter((track) => track.requires.includes(trackId));
}
