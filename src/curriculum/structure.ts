import path from 'node:path';
import type { ModuleFrontMatter, TrackFrontMatter } from './curriculum.schemas';
import type { SourceFile, TrackSources } from './loader';
import type { CurriculumProblem } from './problems';

/** Ids, ordering and prerequisites across the whole curriculum (front matter must already be valid). */
export function checkStructure(sources: TrackSources[]): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const moduleFiles = new Map<string, SourceFile<ModuleFrontMatter>>();
  const milestoneFiles = new Map<string, string>();

  for (const { folder, track, modules } of sources) {
    const meta = track.parsed.data;
    if (meta && meta.id !== folder) {
      problems.push({
        file: track.file,
        line: track.parsed.lineOf(['id']),
        message: `id "${meta.id}" must match the folder name "${folder}"`,
      });
    }
    for (const module of modules) {
      const data = module.parsed.data;
      if (!data) continue;
      const expected = path.basename(module.absolute, '.md');
      if (data.id !== expected) {
        problems.push({
          file: module.file,
          line: module.parsed.lineOf(['id']),
          message: `id "${data.id}" must match the file name "${expected}"`,
        });
      }
      const earlier = moduleFiles.get(data.id);
      if (earlier) {
        problems.push({
          file: module.file,
          line: module.parsed.lineOf(['id']),
          message: `duplicate module id "${data.id}" (also in ${earlier.file})`,
        });
      } else {
        moduleFiles.set(data.id, module);
      }
      data.milestones.forEach((milestone, index) => {
        const other = milestoneFiles.get(milestone.id);
        if (other) {
          problems.push({
            file: module.file,
            line: module.parsed.lineOf(['milestones', index, 'id']),
            message: `duplicate milestone id "${milestone.id}" (also in ${other})`,
          });
        } else {
          milestoneFiles.set(milestone.id, module.file);
        }
      });
    }
    if (meta) problems.push(...checkTrackOrder(track, meta, modules));
  }
  const brokenModules = new Set(
    sources.flatMap(({ modules }) =>
      modules.filter((m) => !m.parsed.data).map((m) => path.basename(m.absolute, '.md')),
    ),
  );
  problems.push(...checkPrerequisites(moduleFiles, brokenModules));
  return problems;
}

function checkTrackOrder(
  track: SourceFile<TrackFrontMatter>,
  meta: TrackFrontMatter,
  modules: SourceFile<ModuleFrontMatter>[],
): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  // Count modules by file name too: a broken or mismatched id is already reported once.
  const inFolder = new Set(
    modules.flatMap((module) =>
      [module.parsed.data?.id, path.basename(module.absolute, '.md')].filter((id) => id !== undefined),
    ),
  );
  const listed = new Set<string>();
  meta.modules.forEach((moduleId, index) => {
    const line = track.parsed.lineOf(['modules', index]);
    if (listed.has(moduleId))
      problems.push({ file: track.file, line, message: `module "${moduleId}" is listed twice` });
    listed.add(moduleId);
    if (!inFolder.has(moduleId))
      problems.push({
        file: track.file,
        line,
        message: `unknown module "${moduleId}": no such file in this track`,
      });
  });
  for (const module of modules) {
    const moduleId = module.parsed.data?.id;
    if (moduleId && !listed.has(moduleId)) {
      problems.push({
        file: module.file,
        line: module.parsed.lineOf(['id']),
        message: `module "${moduleId}" is not listed in ${track.file} modules`,
      });
    }
  }
  return problems;
}

function checkPrerequisites(
  moduleFiles: Map<string, SourceFile<ModuleFrontMatter>>,
  brokenModules: Set<string>,
): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  for (const [moduleId, module] of moduleFiles) {
    module.parsed.data!.prerequisites.forEach((prerequisite, index) => {
      if (!moduleFiles.has(prerequisite) && !brokenModules.has(prerequisite)) {
        problems.push({
          file: module.file,
          line: module.parsed.lineOf(['prerequisites', index]),
          message: `unknown prerequisite "${prerequisite}"`,
        });
      } else if (prerequisite === moduleId) {
        problems.push({
          file: module.file,
          line: module.parsed.lineOf(['prerequisites', index]),
          message: `module "${moduleId}" cannot require itself`,
        });
      }
    });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (moduleId: string, trail: string[]) => {
    if (state.get(moduleId) === 'done') return;
    if (state.get(moduleId) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(moduleId)), moduleId];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key) && cycle.length > 2) {
        reported.add(key);
        const module = moduleFiles.get(moduleId)!;
        problems.push({
          file: module.file,
          line: module.parsed.lineOf(['prerequisites']),
          message: `cyclic prerequisites: ${cycle.join(' → ')}`,
        });
      }
      return;
    }
    state.set(moduleId, 'visiting');
    for (const next of moduleFiles.get(moduleId)?.parsed.data?.prerequisites ?? []) {
      if (moduleFiles.has(next) && next !== moduleId) visit(next, [...trail, moduleId]);
    }
    state.set(moduleId, 'done');
  };
  for (const moduleId of moduleFiles.keys()) visit(moduleId, []);
  return problems;
}
