import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import type { CurriculumProblem } from './problems';

export interface ParsedFile<T> {
  data: T | undefined;
  body: string;
  /** 1-based line in the file where the Markdown body starts. */
  bodyLine: number;
  problems: CurriculumProblem[];
  /** The line of the front-matter value at `path`, for messages about it. */
  lineOf(path: (string | number)[]): number;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits `---` YAML front matter from the Markdown body and validates it against `schema`. */
export function parseFrontMatter<S extends z.ZodType>(
  file: string,
  source: string,
  schema: S,
): ParsedFile<z.infer<S>> {
  const match = FRONT_MATTER.exec(source);
  if (!match) {
    return {
      data: undefined,
      body: source,
      bodyLine: 1,
      problems: [
        { file, line: 1, message: 'missing front matter: the file must start with a --- YAML block ---' },
      ],
      lineOf: () => 1,
    };
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(match[1], { lineCounter, prettyErrors: false });
  // Front matter starts on line 2 (after the opening ---).
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + 1;
  const lineOf = (path: (string | number)[]): number => {
    for (let depth = path.length; depth > 0; depth -= 1) {
      const node = document.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return lineAt(node.range[0]);
      const parent = depth > 1 ? document.getIn(path.slice(0, depth - 1), true) : document.contents;
      if ((isMap(parent) || isSeq(parent)) && parent.range) return lineAt(parent.range[0]);
    }
    return 2;
  };
  /** The line of `key` itself inside the map at `path` (for unknown keys, which have no value path). */
  const lineOfKey = (path: (string | number)[], key: string): number => {
    const map = path.length ? document.getIn(path, true) : document.contents;
    const pair = isMap(map)
      ? map.items.find((item) => isScalar(item.key) && item.key.value === key)
      : undefined;
    return pair && isScalar(pair.key) && pair.key.range ? lineAt(pair.key.range[0]) : lineOf(path);
  };
  const problems: CurriculumProblem[] = document.errors.map((error) => ({
    file,
    line: lineAt(error.pos[0]),
    message: `YAML: ${error.message.split('\n')[0]}`,
  }));
  const body = source.slice(match[0].length);
  const bodyLine = match[0].split('\n').length;
  if (problems.length) return { data: undefined, body, bodyLine, problems, lineOf };
  const result = schema.safeParse(document.toJS());
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      const where = path.length ? `${path.join('.')}: ` : '';
      const line = issue.code === 'unrecognized_keys' ? lineOfKey(path, issue.keys[0]) : lineOf(path);
      problems.push({ file, line, message: `${where}${issue.message}` });
    }
    return { data: undefined, body, bodyLine, problems, lineOf };
  }
  return { data: result.data, body, bodyLine, problems, lineOf };
}
