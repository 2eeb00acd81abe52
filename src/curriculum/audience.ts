import type { EntityManager } from 'typeorm';
import type { Role } from '../accounts/roles';
import type { CurriculumTrack } from './curriculum.types';

/** Who is asking: their role and, when they belong to one, their cohort's name. */
export interface TrackReader {
  role: Role;
  cohortName: string | null;
}

/**
 * Whether a track is this person's own: a track without `openTo` is everyone's; otherwise the
 * person needs one of its roles or to be in one of its cohorts (cohort names compare exactly).
 */
export function isTrackOpenTo(track: CurriculumTrack, reader: TrackReader): boolean {
  if (!track.openTo) return true;
  return (
    track.openTo.roles.includes(reader.role) ||
    (reader.cohortName !== null && track.openTo.cohorts.includes(reader.cohortName))
  );
}

/**
 * The tracks that are this person's, in curriculum order (for "Your progress"). Reads the person's
 * cohort only when some track is open to a cohort.
 */
export async function tracksOpenTo(
  manager: EntityManager,
  tracks: readonly CurriculumTrack[],
  person: { id: string; role: Role },
): Promise<CurriculumTrack[]> {
  const needsCohort = tracks.some((track) => track.openTo?.cohorts.length);
  let cohortName: string | null = null;
  if (needsCohort) {
    const [row] = await manager.query<{ name: string }[]>(
      'SELECT c.name FROM users u JOIN cohorts c ON c.id = u.cohort_id WHERE u.id = $1',
      [person.id],
    );
    cohortName = row?.name ?? null;
  }
  return tracks.filter((track) => isTrackOpenTo(track, { role: person.role, cohortName }));
}
