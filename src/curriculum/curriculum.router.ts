import path from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { weakEtag } from '../web/etag';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { requireSignedIn } from '../web/guards';
import type { CurriculumCatalog } from './catalog';
import type { CurriculumModule, CurriculumTrack } from './curriculum.types';
import { ASSETS_URL } from './loader';
import { moduleStateFrom, PROGRESS_TOPIC, type ProgressService, type ReadingRecord } from './progress.service';
import type { SearchService } from './search.service';
import { modulePageModel, trackPageModel } from './view-models';

interface CurriculumRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  progress: ProgressService;
  search: SearchService;
  curriculumPublic: boolean;
  curriculumDir: string;
  feed: ChangeFeed;
}

const searchQuery = z.object({ q: z.string().trim().max(200).catch('') });

/** A page rendered once, with its ETag; reused while the curriculum version is the same. */
interface CachedPage {
  version: string;
  body: Buffer;
  etag: string;
}

/** Sends a cached page the way res.render would (HTML, ETag, 304 when fresh) without rendering again. */
function sendCached(res: Response, page: CachedPage): void {
  res.set('ETag', page.etag);
  res.type('html').send(page.body);
}

/**
 * What an anonymous visitor sees of a module depends only on the curriculum: the page is rendered
 * once per module and curriculum version (when the view cache is on, i.e. in production) and sent
 * from memory after that. Signed-in readers, and anyone with a one-time message waiting, get a
 * fresh render.
 */
function anonymousPageCache() {
  const pages = new Map<string, CachedPage>();
  return {
    usable(req: Request, res: Response): boolean {
      const flash = res.locals.flash as unknown[] | undefined;
      return !req.user && !flash?.length && req.app.enabled('view cache');
    },
    get(key: string, version: string): CachedPage | undefined {
      const page = pages.get(key);
      return page?.version === version ? page : undefined;
    },
    /** Renders `view`, keeps the result for `key` and sends it. */
    render(
      res: Response,
      key: string,
      version: string,
      view: string,
      locals: Record<string, unknown>,
    ): Promise<void> {
      return new Promise((resolve, reject) => {
        res.render(view, locals, (error: Error | null, html: string) => {
          if (error) return reject(error);
          const body = Buffer.from(html);
          const page = { version, body, etag: weakEtag(body) };
          pages.set(key, page);
          sendCached(res, page);
          resolve();
        });
      });
    },
  };
}

export function curriculumRouter({
  dataSource,
  catalog,
  progress,
  search,
  curriculumPublic,
  curriculumDir,
  feed,
}: CurriculumRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  // Each reader's record, kept in production until the database announces a change to it.
  const records = new SharedCache<ReadingRecord>(feed, PROGRESS_TOPIC, { max: 2_000, ttlMs: 60_000 });
  const readingRecord = (req: Request, userId: string) => {
    const load = () => progress.readingRecord(manager, userId);
    return req.app.enabled('view cache') ? records.get(userId, load) : load();
  };
  /** Private deployments hide curriculum from anonymous visitors. */
  const readers: RequestHandler = curriculumPublic ? (_req, _res, next) => next() : requireSignedIn;

  const findTrack = (req: Request): CurriculumTrack => {
    const track = catalog.current().trackById.get(String(req.params.trackId));
    if (!track) throw new NotFound('There is no such track.');
    return track;
  };
  const findModule = (req: Request): CurriculumModule => {
    const track = findTrack(req);
    const module = track.modules.find((m) => m.id === req.params.moduleId);
    if (!module) throw new NotFound('There is no such module in this track.');
    return module;
  };

  router.use(
    ASSETS_URL,
    readers,
    express.static(path.join(curriculumDir, 'assets'), { index: false, maxAge: '1h' }),
  );

  router.get('/', (req, res) => {
    const showTracks = curriculumPublic || Boolean(req.user);
    res.render('home', {
      pageTitle: 'Organizer Academy',
      signedIn: Boolean(req.user),
      tracks: showTracks ? catalog.current().tracks : [],
    });
  });

  router.get('/tracks/:trackId', readers, async (req, res) => {
    const track = findTrack(req);
    const trackProgress = req.user ? await progress.trackProgress(manager, req.user.id, track) : undefined;
    res.render('curriculum/track', { pageTitle: track.title, ...trackPageModel(track, trackProgress) });
  });

  const anonymousPages = anonymousPageCache();
  router.get('/tracks/:trackId/:moduleId', readers, async (req, res) => {
    const module = findModule(req);
    if (anonymousPages.usable(req, res)) {
      const curriculum = catalog.current();
      const key = `${module.trackId}/${module.id}`;
      const cached = anonymousPages.get(key, curriculum.version);
      if (cached) return sendCached(res, cached);
      return anonymousPages.render(res, key, curriculum.version, 'curriculum/module', {
        pageTitle: module.title,
        ...modulePageModel(curriculum, module, undefined),
      });
    }
    const state = req.user && moduleStateFrom(await readingRecord(req, req.user.id), module);
    res.render('curriculum/module', {
      pageTitle: module.title,
      ...modulePageModel(catalog.current(), module, state),
    });
  });

  router.post('/tracks/:trackId/:moduleId/read', requireSignedIn, async (req, res) => {
    const module = findModule(req);
    await progress.markRead(manager, req.user!.id, module);
    flash(req, 'success', `Marked “${module.title}” as read.`);
    res.redirect(303, `/tracks/${module.trackId}/${module.id}`);
  });

  router.get('/search', readers, async (req, res) => {
    const { q } = searchQuery.parse(req.query);
    const hits = q ? await search.search(manager, q) : [];
    const titles = catalog.current().trackById;
    res.render('curriculum/search', {
      pageTitle: q ? `Search: ${q}` : 'Search',
      q,
      hits: hits.map((hit) => ({ ...hit, trackTitle: titles.get(hit.trackId)?.title ?? '' })),
    });
  });

  return router;
}
