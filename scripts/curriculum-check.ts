import path from 'node:path';
import { loadCurriculum } from '../src/curriculum/loader';
import { formatProblem } from '../src/curriculum/problems';
import { projectRoot } from '../src/paths';

/** `npm run curriculum:check [folder]`: every problem with file and line; exit 1 when there are any. */
const rootDir = path.resolve(process.argv[2] ?? path.join(projectRoot, 'curriculum'));
const { curriculum, problems } = loadCurriculum(rootDir);
if (!curriculum) {
  for (const problem of problems) console.error(formatProblem(problem));
  console.error(`\n${problems.length} problem(s) in ${path.relative(process.cwd(), rootDir) || '.'}`);
  process.exitCode = 1;
} else {
  const modules = curriculum.tracks.reduce((sum, track) => sum + track.modules.length, 0);
  const milestones = curriculum.milestones.length;
  console.log(
    `Curriculum OK: ${curriculum.tracks.length} tracks, ${modules} modules, ${milestones} milestones (version ${curriculum.version.slice(0, 12)})`,
  );
}
