import type { EntityManager } from 'typeorm';
import type { Curriculum } from '../curriculum/curriculum.types';

/**
 * Registers every track of the curriculum for the stalled list (migration StalledTrackRegister):
 * called at start-up, so a track's first certification never has to lock the progress summaries
 * whole inside a request (concurrent certifications deadlocked there). Returns how many tracks were
 * new; the ones already registered cost one indexed check.
 */
export async function registerStalledTracks(manager: EntityManager, curriculum: Curriculum): Promise<number> {
  const [row] = await manager.query<{ added: number }[]>(
    'SELECT report_stalled_register($1::text[]) AS added',
    [curriculum.tracks.map((track) => track.id)],
  );
  return row.added;
}
