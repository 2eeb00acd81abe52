import fs from 'node:fs';
import path from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { viewsDir } from '../../../src/paths';

/** Tags that run code or change how the page loads: never acceptable in a page, whoever wrote them. */
const ALWAYS_FORBIDDEN = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'style',
  'template',
  'noscript',
  'math',
  'portal',
  'xmp',
  'plaintext',
]);
/** Attributes holding URLs a browser follows or loads. */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'poster',
  'data',
  'background',
  'ping',
  'srcset',
  'cite',
]);
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
  nbsp: '\u00a0',
};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(file) : entry.name.endsWith('.ejs') ? [file] : [];
  });
}

/**
 * Tags the app may legitimately print: those its templates contain, plus what the two Markdown
 * renderers let through (curriculum: sanitize-html's defaults and a few more; user text: a subset).
 */
export const ALLOWED_TAGS = new Set([
  ...walk(viewsDir).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()),
  ),
  ...sanitizeHtml.defaults.allowedTags,
  'img',
  'del',
  'input',
  'label',
  'mark',
]);
for (const tag of ALWAYS_FORBIDDEN) ALLOWED_TAGS.delete(tag);

/** Decodes character references the way a browser does inside an attribute value. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export interface Tag {
  name: string;
  attributes: [string, string][];
  source: string;
}

/**
 * Every start tag in the HTML, tokenised like a browser does (attributes split on whitespace and
 * "/", quoted or bare values, entities decoded). Text the app escaped (&lt;script&gt;) is not a tag.
 */
export function tagsIn(html: string): Tag[] {
  const tags: Tag[] = [];
  const start = /<([a-zA-Z][^\s/>]*)/g;
  let match: RegExpExecArray | null;
  while ((match = start.exec(html))) {
    let i = match.index + match[0].length;
    const attributes: [string, string][] = [];
    for (;;) {
      while (i < html.length && /[\s/]/.test(html[i])) i++;
      if (i >= html.length || html[i] === '>') break;
      let name = html[i++];
      while (i < html.length && !/[\s/>=]/.test(html[i])) name += html[i++];
      while (i < html.length && /\s/.test(html[i])) i++;
      let value = '';
      if (html[i] === '=') {
        i++;
        while (i < html.length && /\s/.test(html[i])) i++;
        const quote = html[i];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, i + 1);
          value = html.slice(i + 1, end === -1 ? html.length : end);
          i = end === -1 ? html.length : end + 1;
        } else {
          while (i < html.length && !/[\s>]/.test(html[i])) value += html[i++];
        }
      }
      attributes.push([name.toLowerCase(), decodeEntities(value)]);
    }
    tags.push({
      name: match[1].toLowerCase(),
      attributes,
      source: html.slice(match.index, Math.min(i + 1, match.index + 200)),
    });
    start.lastIndex = i;
  }
  return tags;
}

function dangerousUrl(tag: string, attribute: string, value: string): boolean {
  // Browsers ignore ASCII whitespace and control characters inside the scheme.
  const compact = value.replace(/[\p{Cc}\s]/gu, '').toLowerCase();
  if (/^(javascript|vbscript|livescript):/.test(compact)) return true;
  if (compact.startsWith('data:'))
    return !(tag === 'img' && attribute === 'src' && /^data:image\/(png|gif|jpe?g|webp);/.test(compact));
  return false;
}

/** What in this page could run script: forbidden or unknown tags, handlers, script URLs, srcdoc. */
export function unsafeMarkup(html: string): string[] {
  const problems: string[] = [];
  for (const tag of tagsIn(html)) {
    if (!ALLOWED_TAGS.has(tag.name)) problems.push(`<${tag.name}> tag: ${tag.source}`);
    for (const [name, value] of tag.attributes) {
      if (name.startsWith('on')) problems.push(`${name} handler: ${tag.source}`);
      if (name === 'srcdoc') problems.push(`srcdoc: ${tag.source}`);
      if (URL_ATTRIBUTES.has(name) && dangerousUrl(tag.name, name, value))
        problems.push(`${name}="${value}": ${tag.source}`);
    }
    if (tag.name === 'meta' && tag.attributes.some(([name]) => name === 'http-equiv'))
      problems.push(`meta http-equiv: ${tag.source}`);
  }
  return problems;
}

/** The page's CSP must forbid inline script (no 'unsafe-inline'/'unsafe-eval', no wildcard sources). */
export function weakCsp(header: string | null): string[] {
  if (!header) return ['no Content-Security-Policy header'];
  const directives = new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources] as const),
  );
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  const problems: string[] = [];
  if (!scripts) problems.push('no script-src or default-src');
  else {
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'])
      if (scripts.includes(bad)) problems.push(`script-src allows ${bad}`);
  }
  if (!directives.get('object-src')?.includes("'none'")) problems.push("object-src is not 'none'");
  if (!directives.has('base-uri')) problems.push('no base-uri');
  return problems;
}
