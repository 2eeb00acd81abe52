import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

/**
 * Baseline: a bare Express 5 + EJS app (production mode, so the view cache is on) rendering a page
 * shaped like the module page (layout, navigation, table of contents, article, milestones) padded
 * to the same number of bytes as the app's anonymous module page.
 */
const page = fs.readFileSync(process.env.PAGE_FILE ?? '', 'utf8');
const target = Buffer.byteLength(page);
const article = /<article class="prose">([\s\S]*?)<\/article>/.exec(page)?.[1] ?? page;
const toc = [...page.matchAll(/<li class="toc-(\d)"><a href="#([^"]+)">([^<]*)<\/a><\/li>/g)].map((m) => ({
  depth: Number(m[1]),
  id: m[2],
  text: m[3],
}));
const milestones = [...page.matchAll(/<h3>([^<]*)<\/h3>\s*<p>([^<]*)<\/p>/g)].map((m) => ({
  title: m[1],
  description: m[2],
}));

const app = express();
app.set('view engine', 'ejs');
app.set('views', path.join(__dirname, 'views'));
const model = {
  title: 'Module',
  nav: [
    { href: '/', label: 'Home' },
    { href: '/search', label: 'Search' },
    { href: '/verify', label: 'Verify a certificate' },
  ],
  toc,
  html: article,
  milestones,
  padding: '',
};

app.get('/', (_req, res) => {
  res.render('page', model);
});

// Pad (or trim) the article so the rendered page has the same size as the app's.
app.render('page', model, (error, html) => {
  if (error) throw error;
  const delta = target - Buffer.byteLength(html);
  if (delta > 9) model.padding = `<!-- ${'x'.repeat(delta - 9)} -->`;
  else if (delta < 0) model.html = article.slice(0, delta);
  const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
    console.log(`express+ejs baseline on ${process.env.PORT}`),
  );
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
});
