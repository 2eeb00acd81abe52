import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { requireSignedIn } from '../web/guards';
import type { CurriculumCatalog } from './catalog';
import type { CurriculumModule, CurriculumTrack } from './curriculum.types';
import { ASSETS_URL } from './loader';
import type { ProgressService } from './progress.service';
import type { SearchService } from './search.service';
import { modulePageModel, trackPageModel } from './view-models';

interface CurriculumRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  progress: ProgressService;
  search: SearchService;
  curriculumPublic: boolean;
  curriculumDir: string;
}

const searchQuery = z.object({ q: z.string().trim().max(200).catch('') });

export function curriculumRouter({
  dataSource,
  catalog,
  progress,
  search,
  curriculumPublic,
  curriculumDir,
}: CurriculumRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
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

  router.get('/tracks/:trackId/:moduleId', readers, async (req, res) => {
    const module = findModule(req);
    const state = req.user ? await progress.moduleState(manager, req.user.id, module) : undefined;
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
