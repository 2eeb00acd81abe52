import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { CurriculumCatalog } from '../../src/curriculum/catalog';
import { loadCurriculum, type RenderCache } from '../../src/curriculum/loader';
import { renderMarkdown } from '../../src/curriculum/markdown';
import { projectRoot } from '../../src/paths';
import { startTestApp, type TestApp } from '../helpers/app';

const noRewrites = { link: () => undefined, image: () => undefined };

describe('rendering Markdown', () => {
  it('gives headings stable, unique ids and builds the table of contents from h2 and h3', () => {
    const rendered = renderMarkdown(
      '## Why people *come back*\n\ntext\n\n### First steps\n\n#### Deep\n\n## First steps\n',
      noRewrites,
    );
    expect(rendered.html).toContain('<h2 id="why-people-come-back">Why people <em>come back</em></h2>');
    expect(rendered.html).toContain('<h3 id="first-steps">First steps</h3>');
    expect(rendered.html).toContain('<h4 id="deep">Deep</h4>');
    expect(rendered.html).toContain('<h2 id="first-steps-1">First steps</h2>');
    expect(rendered.toc).toEqual([
      { id: 'why-people-come-back', text: 'Why people come back', depth: 2 },
      { id: 'first-steps', text: 'First steps', depth: 3 },
      { id: 'first-steps-1', text: 'First steps', depth: 2 },
    ]);
  });

  it('renders scripts, event handlers and javascript: links inert', () => {
    const rendered = renderMarkdown(
      [
        '## Hi',
        '<script>alert(1)</script>',
        '<img src="x.png" onerror="alert(2)" alt="x">',
        '[click](javascript:alert(3))',
        '<a href="javascript:alert(4)">raw</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="color:red" onclick="alert(5)">styled</p>',
      ].join('\n\n'),
      noRewrites,
    );
    expect(rendered.html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|style=/i);
    expect(rendered.html).toContain('styled');
  });

  it('marks external links noopener noreferrer and supports GFM tables and task lists', () => {
    const rendered = renderMarkdown(
      '[Code for America](https://codeforamerica.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n',
      noRewrites,
    );
    expect(rendered.html).toContain(
      '<a href="https://codeforamerica.org" rel="noopener noreferrer">Code for America</a>',
    );
    expect(rendered.html).toContain('<table>');
    expect(rendered.html).toMatch(/<input[^>]*checked[^>]*disabled|<input[^>]*disabled[^>]*checked/);
  });

  it('rewrites module links to pages and asset images to their public URL', () => {
    const rendered = renderMarkdown('[next](next.md#part) ![A diagram](../assets/d.svg)', {
      link: (href) => (href.startsWith('next.md') ? '/tracks/t/next#part' : undefined),
      image: (src) => (src === '../assets/d.svg' ? '/curriculum/assets/d.svg' : undefined),
    });
    expect(rendered.html).toContain('<a href="/tracks/t/next#part">next</a>');
    expect(rendered.html).toContain('<img src="/curriculum/assets/d.svg" alt="A diagram" />');
  });
});

describe('loading the shipped curriculum', () => {
  const rootDir = path.join(projectRoot, 'curriculum');

  it('renders each file (tracks, modules, kits) once per content hash, whatever the number of loads', () => {
    const cache: RenderCache = new Map();
    const first = loadCurriculum(rootDir, cache).curriculum!;
    const second = loadCurriculum(rootDir, cache).curriculum!;
    const module = first.moduleById.get('people-first')!;
    expect(second.moduleById.get('people-first')!.html).toBe(module.html);
    expect(cache.size).toBe(first.tracks.length + first.moduleById.size + first.kitByMilestoneId.size);
    expect(second.version).toBe(first.version);
  });

  it('turns links between modules into page links', () => {
    const curriculum = loadCurriculum(rootDir).curriculum!;
    const linked = [...curriculum.moduleById.values()].find((m) => /href="\/tracks\//.test(m.html));
    expect(linked).toBeDefined();
    expect(linked!.html).not.toMatch(/href="[^"]+\.md/);
  });
});

describe('reloading in development', () => {
  it('picks up a changed file without a restart, and keeps the old version when the new one is invalid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-reload-'));
    fs.cpSync(path.join(projectRoot, 'curriculum'), dir, { recursive: true });
    const catalog = new CurriculumCatalog(dir);
    const logger = pino({ level: 'silent' });
    const changed = new Promise((resolve) => catalog.onChange(resolve));
    catalog.watch(logger);
    try {
      const file = path.join(dir, 'coach', 'coaching-conversations.md');
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace(/title: .*/, 'title: Coaching conversations, revised'),
      );
      await changed;
      expect(catalog.current().moduleById.get('coaching-conversations')!.title).toBe(
        'Coaching conversations, revised',
      );

      fs.writeFileSync(file, 'no front matter any more');
      expect(catalog.reload(logger)).toBe(false);
      expect(catalog.current().moduleById.get('coaching-conversations')!.title).toBe(
        'Coaching conversations, revised',
      );
    } finally {
      catalog.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('print stylesheet', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is linked for print and hides navigation and forms', async () => {
    const css = await request(t.app).get('/static/css/print.css');
    expect(css.status).toBe(200);
    expect(css.text).toMatch(/\.site-header[^{]*\{[^}]*display: none/);
    expect(css.text).toContain('.read-state');
  });
});
