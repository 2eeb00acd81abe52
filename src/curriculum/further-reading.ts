import type { CurriculumProblem } from './problems';
import { findReferences, isExternal } from './references';

/**
 * Links in a "Further reading" section must be absolute https URLs (relative links to curriculum
 * files are checked with every other link). Each list item in the section needs a link.
 */
export function checkFurtherReading(file: string, body: string, bodyLine: number): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  const lines = body.split('\n');
  const start = lines.findIndex((text) => /^#{2,3}\s+Further reading\s*$/i.test(text));
  if (start < 0) return problems;
  const level = lines[start].indexOf(' ');
  let end = lines.findIndex((text, index) => index > start && new RegExp(`^#{1,${level}}\\s`).test(text));
  if (end < 0) end = lines.length;
  const section = lines.slice(start + 1, end);
  const firstLine = bodyLine + start + 1;
  for (const reference of findReferences(section.join('\n'), firstLine)) {
    if (!isExternal(reference.target)) continue;
    let url: URL | undefined;
    try {
      url = new URL(reference.target);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:' || !url.hostname.includes('.'))
      problems.push({
        file,
        line: reference.line,
        message: `further reading link ${reference.target} must be an absolute https URL`,
      });
  }
  section.forEach((text, index) => {
    if (/^\s*[-*]\s+\S/.test(text) && !/\]\([^)]+\)/.test(text))
      problems.push({ file, line: firstLine + index, message: 'further reading item without a link' });
  });
  return problems;
}
