import fs from 'node:fs';
import path from 'node:path';
import type { ModuleFrontMatter } from './curriculum.schemas';
import type { SourceFile, TrackSources } from './loader';
import type { CurriculumProblem } from './problems';

/** The ledger of every milestone id that has ever shipped, one per line (append-only). */
export const LEDGER_FILE = 'milestone-ids.txt';

interface Declared {
  module: SourceFile<ModuleFrontMatter>;
  index: number;
  id: string;
  replaces: string[];
  alternativeTo: string | undefined;
}

function declaredMilestones(sources: TrackSources[]): Declared[] {
  return sources.flatMap(({ modules }) =>
    modules.flatMap((module) =>
      (module.parsed.data?.milestones ?? []).map((m, index) => ({
        module,
        index,
        id: m.id,
        replaces: m.replaces,
        alternativeTo: m.alternativeTo,
      })),
    ),
  );
}

/** Reads the ledger: ids with their lines, or undefined when the curriculum keeps none. */
function readLedger(rootDir: string): { ids: Map<string, number>; problems: CurriculumProblem[] } | undefined {
  const absolute = path.join(rootDir, LEDGER_FILE);
  if (!fs.existsSync(absolute)) return undefined;
  const file = path.relative(path.dirname(rootDir), absolute);
  const ids = new Map<string, number>();
  const problems: CurriculumProblem[] = [];
  fs.readFileSync(absolute, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const id = raw.replace(/#.*/, '').trim();
      if (!id) return;
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))
        problems.push({ file, line: index + 1, message: `"${id}" is not a milestone id` });
      else if (ids.has(id))
        problems.push({ file, line: index + 1, message: `"${id}" is listed twice (also on line ${ids.get(id)})` });
      else ids.set(id, index + 1);
    });
  return { ids, problems };
}

/**
 * Alternatives and replaced ids. An alternative names another milestone of its own module that is
 * not itself an alternative. A replaced id is no current milestone's id, is replaced by one milestone
 * only, and is known in the ledger (curriculum/milestone-ids.txt) when the curriculum keeps one; the
 * ledger then lists every current id, and every id it lists is current or replaced, so no one's
 * completions are left without a milestone to count for.
 */
export function checkHistory(rootDir: string, sources: TrackSources[]): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const milestones = declaredMilestones(sources);
  const current = new Set(milestones.map((m) => m.id));
  const replacedBy = new Map<string, string>();
  const ledger = readLedger(rootDir);
  if (ledger) problems.push(...ledger.problems);
  for (const m of milestones) {
    const at = (key: string, i?: number) => ({
      file: m.module.file,
      line: m.module.parsed.lineOf(i === undefined ? ['milestones', m.index, key] : ['milestones', m.index, key, i]),
    });
    if (m.alternativeTo) {
      const target = milestones.find((other) => other.module === m.module && other.id === m.alternativeTo);
      if (m.alternativeTo === m.id)
        problems.push({ ...at('alternativeTo'), message: `milestone "${m.id}" cannot be an alternative to itself` });
      else if (!target)
        problems.push({
          ...at('alternativeTo'),
          message: `alternativeTo "${m.alternativeTo}" is not a milestone of this module`,
        });
      else if (target.alternativeTo)
        problems.push({
          ...at('alternativeTo'),
          message: `"${m.alternativeTo}" is itself an alternative; name the milestone it stands in for`,
        });
    }
    m.replaces.forEach((old, i) => {
      if (current.has(old))
        problems.push({
          ...at('replaces', i),
          message: `"${old}" is a current milestone id: a replaced id is never used again`,
        });
      else if (replacedBy.has(old))
        problems.push({ ...at('replaces', i), message: `"${old}" is already replaced by "${replacedBy.get(old)}"` });
      else if (!ledger)
        problems.push({
          ...at('replaces', i),
          message: `replaces needs the ledger curriculum/${LEDGER_FILE} of every milestone id that has shipped`,
        });
      else if (!ledger.ids.has(old))
        problems.push({
          ...at('replaces', i),
          message: `"${old}" never shipped: it is not in curriculum/${LEDGER_FILE}`,
        });
      if (!replacedBy.has(old)) replacedBy.set(old, m.id);
    });
    if (ledger && !ledger.ids.has(m.id))
      problems.push({
        file: m.module.file,
        line: m.module.parsed.lineOf(['milestones', m.index, 'id']),
        message: `milestone "${m.id}" is not in curriculum/${LEDGER_FILE}: add it (ids there never leave)`,
      });
  }
  if (ledger && !sources.some(({ modules }) => modules.some((module) => !module.parsed.data))) {
    const file = path.join(path.basename(rootDir), LEDGER_FILE);
    for (const [id, line] of ledger.ids) {
      if (!current.has(id) && !replacedBy.has(id))
        problems.push({
          file,
          line,
          message: `milestone "${id}" shipped but is gone: list it in "replaces" of the milestone that now covers it, so its completions still count`,
        });
    }
  }
  return problems;
}
