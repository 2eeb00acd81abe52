import type { TrackFrontMatter } from './curriculum.schemas';
import type { SourceFile, TrackSources } from './loader';
import type { CurriculumProblem } from './problems';

/**
 * Track prerequisites (`requires` in track.md): each names an existing track other than itself, and
 * following them never comes back to where it started.
 */
export function checkTiers(sources: TrackSources[]): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const tracks = new Map(sources.flatMap(({ track }) => (track.parsed.data ? [[track.parsed.data.id, track]] : [])));
  const brokenFolders = new Set(sources.filter(({ track }) => !track.parsed.data).map(({ folder }) => folder));
  for (const [trackId, track] of tracks) {
    track.parsed.data!.requires.forEach((required, index) => {
      const line = track.parsed.lineOf(['requires', index]);
      if (required === trackId)
        problems.push({ file: track.file, line, message: `track "${trackId}" cannot require itself` });
      else if (!tracks.has(required) && !brokenFolders.has(required))
        problems.push({ file: track.file, line, message: `unknown required track "${required}"` });
    });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (trackId: string, trail: string[]) => {
    if (state.get(trackId) === 'done') return;
    if (state.get(trackId) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(trackId)), trackId];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const track = tracks.get(trackId)!;
        problems.push({
          file: track.file,
          line: track.parsed.lineOf(['requires']),
          message: `cyclic track prerequisites: ${cycle.join(' → ')}`,
        });
      }
      return;
    }
    state.set(trackId, 'visiting');
    for (const next of tracks.get(trackId)?.parsed.data?.requires ?? []) {
      if (tracks.has(next) && next !== trackId) visit(next, [...trail, trackId]);
    }
    state.set(trackId, 'done');
  };
  for (const trackId of tracks.keys()) visit(trackId, []);
  if (!problems.length) problems.push(...checkModuleOrder(sources, tracks));
  return problems;
}

/** Tracks a track builds on, directly or through the tracks it requires. */
function ladderBelow(trackId: string, tracks: Map<string, SourceFile<TrackFrontMatter>>): Set<string> {
  const below = new Set<string>();
  const pending = [...(tracks.get(trackId)?.parsed.data?.requires ?? [])];
  while (pending.length) {
    const next = pending.pop()!;
    if (below.has(next)) continue;
    below.add(next);
    pending.push(...(tracks.get(next)?.parsed.data?.requires ?? []));
  }
  return below;
}

/** A module's prerequisites sit in its own tier or in a tier it builds on, never in a later one. */
function checkModuleOrder(
  sources: TrackSources[],
  tracks: Map<string, SourceFile<TrackFrontMatter>>,
): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const trackOfModule = new Map(
    sources.flatMap(({ track, modules }) =>
      modules.flatMap((m) => (m.parsed.data && track.parsed.data ? [[m.parsed.data.id, track.parsed.data.id]] : [])),
    ),
  );
  for (const { track, modules } of sources) {
    const trackId = track.parsed.data?.id;
    if (!trackId) continue;
    for (const module of modules) {
      module.parsed.data?.prerequisites.forEach((prerequisite, index) => {
        const home = trackOfModule.get(prerequisite);
        if (home && home !== trackId && ladderBelow(home, tracks).has(trackId))
          problems.push({
            file: module.file,
            line: module.parsed.lineOf(['prerequisites', index]),
            message: `prerequisite "${prerequisite}" is in "${home}", a later tier than "${trackId}"`,
          });
      });
    }
  }
  return problems;
}
