/** One thing wrong with the curriculum, located so an author can fix it. */
export interface CurriculumProblem {
  file: string;
  line: number;
  message: string;
}

export function formatProblem(problem: CurriculumProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

export class InvalidCurriculum extends Error {
  constructor(readonly problems: CurriculumProblem[]) {
    super(`The curriculum has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
  }
}
