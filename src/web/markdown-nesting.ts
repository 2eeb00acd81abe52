/**
 * `marked` parses nested blocks (quotes, lists) recursively: a few thousand levels overflow its
 * stack, and a few hundred indented levels take minutes. No real text nests deeper than a handful of
 * levels, so input deeper than this is refused when it is submitted, and anything stored before that
 * rule is shown as plain text instead of being rendered.
 */
export const MAX_MARKDOWN_NESTING = 30;

export const TOO_DEEPLY_NESTED =
  `nests quotes or lists more than ${MAX_MARKDOWN_NESTING} levels deep. ` +
  'Remove some of the leading ">", "-" or indentation and try again.';

const ORDERED_MARKER = /^\d{1,9}[.)](?=[ \t])/;

/** The deepest block nesting any line opens: quote and list markers, plus indentation in pairs of spaces. */
export function markdownNestingDepth(source: string): number {
  let deepest = 0;
  for (const line of source.split('\n')) {
    let markers = 0;
    let spaces = 0;
    let i = 0;
    while (i < line.length) {
      const c = line[i];
      if (c === ' ' || c === '\t') {
        spaces += c === '\t' ? 4 : 1;
        i += 1;
      } else if (c === '>') {
        markers += 1;
        i += 1;
      } else if ((c === '-' || c === '*' || c === '+') && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
        markers += 1;
        i += 2;
      } else {
        const ordered = ORDERED_MARKER.exec(line.slice(i, i + 11));
        if (!ordered) break;
        markers += 1;
        i += ordered[0].length + 1;
      }
    }
    deepest = Math.max(deepest, markers + Math.floor(spaces / 2));
  }
  return deepest;
}

/** True when `source` is shallow enough to render. */
export function nestingWithinLimit(source: string): boolean {
  return markdownNestingDepth(source) <= MAX_MARKDOWN_NESTING;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a page shows instead of Markdown that cannot be rendered: the text as written, escaped. */
export function unrenderedMarkdown(source: string): string {
  return (
    '<p class="notice">This text could not be formatted, so it is shown exactly as it was written.</p>\n' +
    `<pre class="unformatted">${escapeHtml(source)}</pre>\n`
  );
}
