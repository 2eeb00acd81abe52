import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TrackSources } from './loader';
import type { CurriculumProblem } from './problems';

export interface KitSource {
  milestoneId: string;
  absolute: string;
  source: string;
  hash: string;
}

const kitsOf = (sources: TrackSources[]) =>
  sources.flatMap(({ modules }) =>
    modules.flatMap((module) =>
      (module.parsed.data?.milestones ?? []).map((milestone, index) => ({ module, milestone, index })),
    ),
  );

/**
 * Facilitator kits declared in milestone front matter (`kit: kits/<milestone-id>.md`): only workshop
 * milestones may declare one, and the file must exist in the curriculum folder.
 */
export function checkKits(rootDir: string, sources: TrackSources[]): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  for (const { module, milestone, index } of kitsOf(sources)) {
    if (!milestone.kit) continue;
    const at = { file: module.file, line: module.parsed.lineOf(['milestones', index, 'kit']) };
    if (milestone.kind !== 'workshop')
      problems.push({ ...at, message: `only workshop milestones have a facilitator kit ("${milestone.id}")` });
    if (!fs.existsSync(path.join(rootDir, milestone.kit)))
      problems.push({ ...at, message: `facilitator kit ${milestone.kit} does not exist` });
  }
  return problems;
}

/** The kits of a curriculum that passed checkKits, read from disk. */
export function kitSources(rootDir: string, sources: TrackSources[]): KitSource[] {
  return kitsOf(sources)
    .filter(({ milestone }) => milestone.kit)
    .map(({ milestone }) => {
      const absolute = path.join(rootDir, milestone.kit!);
      const source = fs.readFileSync(absolute, 'utf8');
      const hash = crypto.createHash('sha256').update(source).digest('hex');
      return { milestoneId: milestone.id, absolute, source, hash };
    });
}
