import { renderUserMarkdown } from '../../src/coaching/user-markdown';
import { renderMarkdown } from '../../src/curriculum/markdown';
import { unsafeMarkup } from '../reliability/support/html-safety';
import { XSS_CORPUS } from '../reliability/support/hostile';

const noRewrites = { link: () => undefined, image: () => undefined };

// Both Markdown renderers, fed every script-injection shape we know (including those from
// sanitize-html's advisories), alone and inside Markdown, must print nothing that can run.
describe.each([
  ['user-written Markdown', (source: string) => renderUserMarkdown(source)],
  ['curriculum Markdown', (source: string) => renderMarkdown(source, noRewrites).html],
])('%s', (_name, render) => {
  it.each(XSS_CORPUS)('renders %j inert', (payload) => {
    for (const source of [payload, `## Heading\n\n- item ${payload}\n\n> ${payload}`]) {
      expect(unsafeMarkup(render(source))).toEqual([]);
    }
  });
});
