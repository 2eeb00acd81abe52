import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { nestingWithinLimit, unrenderedMarkdown } from '../web/markdown-nesting';

const marked = new Marked({ gfm: true, breaks: true });

/**
 * Renders Markdown written by users (evidence, feedback) to HTML that cannot run anything: no raw
 * HTML survives, links are http(s)/mailto only and marked ugc/nofollow, no images. Text nested too
 * deeply to render (stored before submissions were checked), or that fails to render, is shown
 * escaped with a notice: one person's text never breaks a page.
 */
export function renderUserMarkdown(source: string): string {
  if (!nestingWithinLimit(source)) return unrenderedMarkdown(source);
  try {
    return render(source);
  } catch {
    return unrenderedMarkdown(source);
  }
}

function render(source: string): string {
  const html = marked.parse(source, { async: false });
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'strong',
      'em',
      'del',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h3',
      'h4',
      'h5',
      'h6',
      'hr',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: { a: ['href', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'nofollow ugc noopener noreferrer' },
      }),
      h1: 'h3',
      h2: 'h3',
    },
  });
}
