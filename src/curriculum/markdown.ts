import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { nestingWithinLimit, unrenderedMarkdown } from '../web/markdown-nesting';

export interface TocEntry {
  id: string;
  text: string;
  depth: 2 | 3;
}

export interface RenderedMarkdown {
  html: string;
  toc: TocEntry[];
  /** Heading texts and plain body text, for the search index. */
  headings: string[];
  text: string;
}

export interface LinkResolver {
  /** Rewrites a relative link (e.g. `other-module.md#part`) to its page URL; undefined leaves it as is. */
  link(href: string): string | undefined;
  /** Rewrites an image path (e.g. `../assets/x.svg`) to its public URL. */
  image(src: string): string | undefined;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'h1'),
    'img',
    'del',
    'input',
    'label',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    h2: ['id'],
    h3: ['id'],
    h4: ['id'],
    code: ['class'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  allowedClasses: { code: [/^language-[\w-]+$/] },
  transformTags: {
    a: (tagName, attribs) => {
      const external = /^(https?:)?\/\//i.test(attribs.href ?? '');
      return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer' } : attribs };
    },
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: '' } }),
  },
};

/** Sanitises HTML produced from Markdown: trusted or not, nothing executable survives. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/<[^>]*>/g, '')
      .replace(/&[a-z]+;|&#\d+;/g, '')
      .replace(/[^a-z0-9\s-]/g, '')
      .trim()
      .replace(/[\s-]+/g, '-') || 'section'
  );
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A module that still fails to render is shown as written, with a notice, instead of failing the page. */
function parseOrShowAsWritten(marked: Marked, source: string): string {
  try {
    return sanitize(marked.parse(source, { async: false }));
  } catch {
    return unrenderedMarkdown(source);
  }
}

/**
 * Markdown → sanitised HTML with heading ids, a table of contents (h2/h3) and plain text for search.
 * GFM is on; relative module links and asset images are rewritten by `resolver`.
 */
export function renderMarkdown(source: string, resolver: LinkResolver): RenderedMarkdown {
  const toc: TocEntry[] = [];
  const headings: string[] = [];
  const used = new Map<string, number>();
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      heading(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Heading) {
        const inner = this.parser.parseInline(token.tokens);
        const plain = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
        const base = slugify(plain);
        const seen = used.get(base) ?? 0;
        used.set(base, seen + 1);
        const id = seen ? `${base}-${seen}` : base;
        headings.push(plain);
        if (token.depth === 2 || token.depth === 3) toc.push({ id, text: plain, depth: token.depth });
        const depth = Math.max(token.depth, 2);
        return `<h${depth} id="${id}">${inner}</h${depth}>\n`;
      },
      // A task-list checkbox needs a label (WCAG 1.3.1, 4.1.2): wrap it with the item's text.
      listitem(
        this: {
          parser: {
            parse(tokens: Tokens.Generic[]): string;
            parseInline(tokens: Tokens.Generic[]): string;
          };
        },
        item: Tokens.ListItem,
      ) {
        if (!item.task) return false;
        const [first, second, ...rest] = item.tokens as Tokens.Generic[];
        if (first?.type === 'checkbox' && second?.type === 'text') {
          const label = this.parser.parse([first, second]);
          return `<li><label>${label}</label>${this.parser.parse(rest)}</li>\n`;
        }
        if (first?.type === 'paragraph' && first.tokens?.[0]?.type === 'checkbox') {
          const label = this.parser.parseInline(first.tokens);
          return `<li><p><label>${label}</label></p>${this.parser.parse(second ? [second, ...rest] : [])}</li>\n`;
        }
        return false;
      },
    },
    walkTokens(token) {
      if (token.type === 'link') {
        const link = token as Tokens.Link;
        link.href = resolver.link(link.href) ?? link.href;
      } else if (token.type === 'image') {
        const image = token as Tokens.Image;
        image.href = resolver.image(image.href) ?? image.href;
      }
    },
  });
  const html = nestingWithinLimit(source) ? parseOrShowAsWritten(marked, source) : unrenderedMarkdown(source);
  const text = decodeEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return { html, toc, headings, text };
}
