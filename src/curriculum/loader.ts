import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  moduleFrontMatter,
  trackFrontMatter,
  type ModuleFrontMatter,
  type TrackFrontMatter,
  DEFAULT_BADGE_COLOURS,
} from './curriculum.schemas';
import type { Curriculum, CurriculumModule, CurriculumTrack } from './curriculum.types';
import { parseFrontMatter, type ParsedFile } from './front-matter';
import { renderMarkdown, type RenderedMarkdown } from './markdown';
import type { CurriculumProblem } from './problems';
import { checkReferences, findReferences, isExternal, modulePageOf } from './references';
import { checkFurtherReading } from './further-reading';
import { checkKits, kitSources } from './kits';
import { checkSpelling } from './spelling';
import { checkStructure } from './structure';
import { acceptedIds } from './requirements';
import { checkHistory } from './history';
import { checkTiers } from './tiers';

export const ASSETS_URL = '/curriculum/assets';
/** Folders of the curriculum directory that are not tracks. */
const NOT_TRACKS = new Set(['assets', 'kits']);

export interface SourceFile<T> {
  file: string;
  absolute: string;
  source: string;
  parsed: ParsedFile<T>;
}

export interface LoadResult {
  curriculum: Curriculum | undefined;
  problems: CurriculumProblem[];
}

/** Rendered HTML keyed by content hash, so unchanged files are never rendered twice. */
export type RenderCache = Map<string, RenderedMarkdown>;

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

function readSource<T>(rootDir: string, absolute: string, schema: Parameters<typeof parseFrontMatter>[2]) {
  const file = path.relative(path.dirname(rootDir), absolute);
  const source = fs.readFileSync(absolute, 'utf8');
  return { file, absolute, source, parsed: parseFrontMatter(file, source, schema) as ParsedFile<T> };
}

export interface TrackSources {
  folder: string;
  track: SourceFile<TrackFrontMatter>;
  modules: SourceFile<ModuleFrontMatter>[];
}

function readTracks(rootDir: string, problems: CurriculumProblem[]): TrackSources[] {
  const folders = fs
    .readdirSync(rootDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_TRACKS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const tracks: TrackSources[] = [];
  for (const folder of folders) {
    const dir = path.join(rootDir, folder);
    const trackFile = path.join(dir, 'track.md');
    if (!fs.existsSync(trackFile)) {
      problems.push({
        file: path.relative(path.dirname(rootDir), dir),
        line: 1,
        message: 'track folder without track.md',
      });
      continue;
    }
    const moduleFiles = fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.md') && name !== 'track.md')
      .sort();
    tracks.push({
      folder,
      track: readSource<TrackFrontMatter>(rootDir, trackFile, trackFrontMatter),
      modules: moduleFiles.map((name) =>
        readSource<ModuleFrontMatter>(rootDir, path.join(dir, name), moduleFrontMatter),
      ),
    });
  }
  return tracks;
}

function resolverFor(rootDir: string, absoluteFile: string, modulePages: Map<string, string>) {
  /** The URL of a file in curriculum/assets/ (images, templates), or undefined for anything else. */
  const assetUrl = (relative: string) => {
    const resolved = path.resolve(path.dirname(absoluteFile), relative);
    const assets = path.join(rootDir, 'assets');
    return resolved.startsWith(assets + path.sep)
      ? `${ASSETS_URL}/${path.relative(assets, resolved).split(path.sep).join('/')}`
      : undefined;
  };
  return {
    link: (href: string) => {
      if (isExternal(href) || href.startsWith('#') || href.startsWith('/')) return undefined;
      const [target, hash] = href.split('#');
      const page = modulePageOf(modulePages, path.resolve(path.dirname(absoluteFile), target));
      return page ? `${page}${hash ? `#${hash}` : ''}` : assetUrl(target);
    },
    image: (src: string) => (isExternal(src) ? undefined : assetUrl(src)),
  };
}

function render(
  cache: RenderCache,
  hash: string,
  body: string,
  resolver: ReturnType<typeof resolverFor>,
): RenderedMarkdown {
  const cached = cache.get(hash);
  if (cached) return cached;
  const rendered = renderMarkdown(body, resolver);
  cache.set(hash, rendered);
  return rendered;
}

/**
 * Reads, validates and renders the curriculum folder. Returns every problem found (with file and
 * line); `curriculum` is set only when there are none.
 */
export function loadCurriculum(rootDir: string, cache: RenderCache = new Map()): LoadResult {
  const problems: CurriculumProblem[] = [];
  const sources = readTracks(rootDir, problems);
  const modulePages = new Map<string, string>();
  for (const { folder, track, modules } of sources) {
    // A link to a track's track.md opens the track page.
    modulePages.set(track.absolute, `/tracks/${folder}`);
    for (const module of modules)
      modulePages.set(module.absolute, `/tracks/${folder}/${path.basename(module.absolute, '.md')}`);
  }
  for (const { track, modules } of sources) {
    for (const source of [track, ...modules]) {
      problems.push(...source.parsed.problems);
      problems.push(...checkFurtherReading(source.file, source.parsed.body, source.parsed.bodyLine));
      const references = findReferences(source.parsed.body, source.parsed.bodyLine);
      problems.push(
        ...checkReferences(source.file, source.absolute, references, {
          rootDir,
          modulePages,
          fileExists: (file) => fs.existsSync(file),
        }),
      );
    }
  }
  problems.push(...checkStructure(sources));
  problems.push(...checkTiers(sources));
  problems.push(...checkHistory(rootDir, sources));
  problems.push(...checkKits(rootDir, sources));
  for (const absolute of proseFiles(rootDir, sources)) {
    const file = path.relative(path.dirname(rootDir), absolute);
    problems.push(...checkSpelling(file, fs.readFileSync(absolute, 'utf8')));
  }
  if (problems.length) return { curriculum: undefined, problems };
  return { curriculum: assemble(rootDir, sources, modulePages, cache), problems };
}

function assemble(
  rootDir: string,
  sources: TrackSources[],
  modulePages: Map<string, string>,
  cache: RenderCache,
): Curriculum {
  let tracks: CurriculumTrack[] = sources.map(({ track, modules }) => {
    const meta = track.parsed.data!;
    const byId = new Map(modules.map((m) => [m.parsed.data!.id, m]));
    const ordered: CurriculumModule[] = meta.modules.map((moduleId, index) => {
      const source = byId.get(moduleId)!;
      const data = source.parsed.data!;
      const contentHash = sha256(source.source);
      const rendered = render(
        cache,
        contentHash,
        source.parsed.body,
        resolverFor(rootDir, source.absolute, modulePages),
      );
      return { ...data, ...rendered, trackId: meta.id, index, contentHash, file: source.file };
    });
    const contentHash = sha256(track.source);
    const intro = render(
      cache,
      contentHash,
      track.parsed.body,
      resolverFor(rootDir, track.absolute, modulePages),
    );
    return {
      id: meta.id,
      title: meta.title,
      summary: meta.summary,
      certificateName: meta.certificateName,
      criteria: meta.criteria,
      validityMonths: meta.validityMonths,
      openTo: meta.openTo,
      badge: meta.badge ?? DEFAULT_BADGE_COLOURS,
      requires: meta.requires,
      timeExpectation: meta.timeExpectation,
      introHtml: intro.html,
      modules: ordered,
      contentHash,
      version: sha256([contentHash, ...ordered.map((m) => m.contentHash)].join('\n')),
    };
  });
  tracks = inLadderOrder(tracks);
  const modules = tracks.flatMap((track) => track.modules);
  const milestones = modules.flatMap((module) => module.milestones.map((milestone) => ({ milestone, module })));
  return {
    tracks,
    trackById: new Map(tracks.map((track) => [track.id, track])),
    moduleById: new Map(modules.map((module) => [module.id, module])),
    milestoneById: new Map(
      milestones.flatMap((found) => acceptedIds(found.milestone).map((id) => [id, found] as const)),
    ),
    milestones,
    kitByMilestoneId: renderKits(rootDir, sources, modulePages, cache),
    version: sha256(
      [...tracks.map((track) => track.version), ...kitSources(rootDir, sources).map((k) => k.hash)].join('\n'),
    ),
  };
}

/** Tracks by folder name, except that a tier always comes after the tracks it requires. */
function inLadderOrder(tracks: CurriculumTrack[]): CurriculumTrack[] {
  const ordered: CurriculumTrack[] = [];
  const placed = new Set<string>();
  while (ordered.length < tracks.length) {
    const next =
      tracks.find((t) => !placed.has(t.id) && t.requires.every((id) => placed.has(id))) ??
      tracks.find((t) => !placed.has(t.id))!;
    ordered.push(next);
    placed.add(next.id);
  }
  return ordered;
}

function renderKits(
  rootDir: string,
  sources: TrackSources[],
  modulePages: Map<string, string>,
  cache: RenderCache,
): Curriculum['kitByMilestoneId'] {
  return new Map(
    kitSources(rootDir, sources).map((kit) => {
      const rendered = render(cache, kit.hash, kit.source, resolverFor(rootDir, kit.absolute, modulePages));
      return [kit.milestoneId, { html: rendered.html, toc: rendered.toc }];
    }),
  );
}

/** Every Markdown file readers see: tracks, modules, and Markdown under kits/ and assets/. */
function proseFiles(rootDir: string, sources: TrackSources[]): string[] {
  const underneath = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((name) => name.endsWith('.md'))
          .sort()
          .map((name) => path.join(dir, name))
      : [];
  return [
    ...sources.flatMap(({ track, modules }) => [track.absolute, ...modules.map((m) => m.absolute)]),
    ...underneath(path.join(rootDir, 'kits')),
    ...underneath(path.join(rootDir, 'assets')),
  ];
}
