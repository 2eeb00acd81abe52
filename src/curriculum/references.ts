import path from 'node:path';
import type { CurriculumProblem } from './problems';

export interface Reference {
  kind: 'link' | 'image';
  target: string;
  alt: string;
  line: number;
}

const TARGET = String.raw`\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`;
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]${TARGET}`, 'g');
const LINK = new RegExp(String.raw`\[([^\]]*)\]${TARGET}`, 'g');
const INLINE_CODE = /(`+).*?\1/g;
const blank = (text: string) => ' '.repeat(text.length);

/**
 * Markdown links and images with their line numbers, skipping fenced code blocks and inline code.
 * Images are found first, so a linked image (`[![alt](../assets/x.svg)](page.md)`) yields both.
 */
export function findReferences(body: string, firstLine: number): Reference[] {
  const references: Reference[] = [];
  let fence = '';
  body.split('\n').forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      // A fence closes only with the same character, at least as long, and nothing after it.
      if (marker?.startsWith(fence) && text.trim() === marker) fence = '';
      return;
    }
    if (marker) {
      fence = marker;
      return;
    }
    const line = firstLine + index;
    const code = text.replace(INLINE_CODE, blank);
    for (const match of code.matchAll(IMAGE)) {
      references.push({ kind: 'image', alt: match[1].trim(), target: match[2], line });
    }
    for (const match of code.replace(IMAGE, blank).matchAll(LINK)) {
      references.push({ kind: 'link', alt: match[1].trim(), target: match[2], line });
    }
  });
  return references;
}

/**
 * The page of a module link: the file it names, or else the module with that file name in any track
 * (module ids are unique across tracks, so moving a module to another tier's folder breaks no link).
 */
export function modulePageOf(modulePages: Map<string, string>, resolved: string): string | undefined {
  const exact = modulePages.get(resolved);
  const name = path.basename(resolved);
  if (exact || !name.endsWith('.md') || name === 'track.md') return exact;
  for (const [file, page] of modulePages) if (path.basename(file) === name) return page;
  return undefined;
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
    if (resolved.startsWith(assetsDir)) {
      // Templates and other downloads are served from curriculum/assets/ as they are.
      if (!context.fileExists(resolved))
        problems.push({ file, line: reference.line, message: `broken link to ${reference.target}: no such file` });
    } else if (!modulePageOf(context.modulePages, resolved)) {
      problems.push({
        file,
        line: reference.line,
        message: `broken link to ${reference.target}: no such module`,
      });
    }
  }
  return problems;
}
