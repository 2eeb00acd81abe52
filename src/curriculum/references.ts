import path from 'node:path';
import type { CurriculumProblem } from './problems';

export interface Reference {
  kind: 'link' | 'image';
  target: string;
  alt: string;
  line: number;
}

const REFERENCE = /(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** Markdown links and images with their line numbers, skipping fenced code blocks. */
export function findReferences(body: string, firstLine: number): Reference[] {
  const references: Reference[] = [];
  let inFence = false;
  body.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) return;
    for (const match of line.matchAll(REFERENCE)) {
      references.push({
        kind: match[1] ? 'image' : 'link',
        alt: match[2].trim(),
        target: match[3],
        line: firstLine + index,
      });
    }
  });
  return references;
}

export const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(target);

export interface ReferenceContext {
  rootDir: string;
  /** Absolute path of a module file → its page URL. */
  modulePages: Map<string, string>;
  fileExists(absolutePath: string): boolean;
}

/** Checks one file's links and images; returns the problems found. */
export function checkReferences(
  file: string,
  absoluteFile: string,
  references: Reference[],
  context: ReferenceContext,
): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const assetsDir = path.join(context.rootDir, 'assets') + path.sep;
  for (const reference of references) {
    const [targetPath] = reference.target.split('#');
    if (reference.kind === 'image') {
      if (!reference.alt)
        problems.push({ file, line: reference.line, message: `image ${reference.target} has no alt text` });
      if (isExternal(reference.target)) {
        problems.push({
          file,
          line: reference.line,
          message: `image ${reference.target} must come from curriculum/assets/`,
        });
        continue;
      }
      const resolved = path.resolve(path.dirname(absoluteFile), targetPath);
      if (!resolved.startsWith(assetsDir)) {
        problems.push({
          file,
          line: reference.line,
          message: `image ${reference.target} must come from curriculum/assets/`,
        });
      } else if (!context.fileExists(resolved)) {
        problems.push({ file, line: reference.line, message: `missing image ${reference.target}` });
      }
      continue;
    }
    if (isExternal(reference.target) || reference.target.startsWith('#') || reference.target.startsWith('/'))
      continue;
    const resolved = path.resolve(path.dirname(absoluteFile), targetPath);
    if (!context.modulePages.has(resolved)) {
      problems.push({
        file,
        line: reference.line,
        message: `broken link to ${reference.target}: no such module`,
      });
    }
  }
  return problems;
}
