import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { requireRole, requireSignedIn } from '../web/guards';
import type { CurriculumCatalog } from './catalog';
import type { CurriculumModule, CurriculumTrack } from './curriculum.types';
import { anonymousPageCache, pageCacheUsable, readerPageCache, renderToString } from '../web/page-cache';
import type { SessionUser } from '../accounts/session-user';
import { ASSETS_URL } from './loader';
import { moduleStateFrom, PROGRESS_TOPIC, type ProgressService, type ReadingRecord } from './progress.service';
import type { SearchService } from './search.service';
import { addressLimit } from '../web/address-limit';
import { modulePageModel, readOn, tierModel, trackPageModel } from './view-models';

interface CurriculumRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  progress: ProgressService;
  search: SearchService;
  curriculumPublic: boolean;
  curriculumDir: string;
  feed: ChangeFeed;
  /** True while a fresh instance waits for its first admin. */
  setupWaiting?: () => Promise<boolean>;
  /** "Peers on this module" for a signed-in reader: the model of the circles/peers view. */
  peers?: (viewer: SessionUser, moduleId: string) => Promise<Record<string, unknown>>;
}

const searchQuery = z.object({ q: z.string().trim().max(200).catch('') });

export function curriculumRouter({
  dataSource,
  catalog,
  progress,
  search,
  curriculumPublic,
  curriculumDir,
  feed,
  setupWaiting,
  peers,
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
  /** A module (or kit) that moved to another track (tier) keeps its old address: a permanent redirect. */
  const movedTo = (req: Request): string | undefined => {
    const curriculum = catalog.current();
    if (req.params.moduleId) {
      const module = curriculum.moduleById.get(String(req.params.moduleId));
      return module && module.trackId !== req.params.trackId ? `/tracks/${module.trackId}/${module.id}` : undefined;
    }
    const found = curriculum.milestoneById.get(String(req.params.milestoneId));
    return found && found.module.trackId !== req.params.trackId
      ? `/tracks/${found.module.trackId}/kits/${found.milestone.id}`
      : undefined;
  };

  router.use(
    ASSETS_URL,
    readers,
    express.static(path.join(curriculumDir, 'assets'), { index: false, maxAge: '1h' }),
  );

  router.get('/', async (req, res) => {
    const showTracks = curriculumPublic || Boolean(req.user);
    res.render('home', {
      pageTitle: 'Organizer Academy',
      setupWaiting: setupWaiting ? await setupWaiting() : false,
      signedIn: Boolean(req.user),
      tracks: showTracks ? catalog.current().tracks : [],
    });
  });

  router.get('/tracks/:trackId', readers, async (req, res) => {
    const track = findTrack(req);
    const trackProgress = req.user ? await progress.trackProgress(manager, req.user.id, track) : undefined;
    const missing = req.user ? await progress.missingTiers(manager, req.user.id, track) : undefined;
    res.render('curriculum/track', {
      pageTitle: track.title,
      ...trackPageModel(track, trackProgress, tierModel(catalog.current(), track, missing)),
    });
  });

  // In production module pages come from memory: one per module for anonymous visitors, one per
  // module, role and reading state for signed-in readers (their name and CSRF token put in per request).
  const anonymousPages = anonymousPageCache();
  const readerPages = readerPageCache({ max: 500 });
  router.get('/tracks/:trackId/:moduleId', readers, async (req, res) => {
    const moved = movedTo(req);
    if (moved) return res.redirect(301, moved);
    const module = findModule(req);
    const curriculum = catalog.current();
    const user = req.user;
    const state = user && moduleStateFrom(await readingRecord(req, user.id), module);
    // Posts from the reader's own circles: rendered per request, put into the page (cached or not).
    const peersHtml =
      user && peers ? await renderToString(res, 'circles/peers', await peers(user, module.id)) : '';
    const locals = () => ({
      pageTitle: module.title,
      ...modulePageModel(curriculum, module, state, user?.role),
      peersHtml,
    });
    const view = 'curriculum/module';
    if (!pageCacheUsable(req, res)) return res.render(view, locals());
    const page = `${module.trackId}/${module.id}`;
    if (!user || !state) return anonymousPages.send(res, page, curriculum.version, view, locals);
    // Everything the page shows that differs between readers, besides their name and CSRF token:
    // the navigation (role, chapter scope) and what they have read and completed in this module.
    const key = [
      page,
      user.role,
      user.scopeChapterId ? 'scoped' : 'all',
      readOn(state.readAt) ?? 'unread',
      [...state.completedMilestoneIds].sort().join(','),
    ].join('|');
    return readerPages.send(res, { key, version: curriculum.version, view, role: user.role }, locals, {
      displayName: user.displayName,
      csrfToken: (res.locals.csrfToken as () => string)(),
      unreadNotifications: Number(res.locals.unreadNotifications ?? 0),
      peersHtml,
    });
  });

  // Facilitator kits are for the people who run workshops; organizers attend them.
  router.get('/tracks/:trackId/kits/:milestoneId', requireRole('coach', 'admin'), (req, res) => {
    const moved = movedTo(req);
    if (moved) return res.redirect(301, moved);
    const track = findTrack(req);
    const curriculum = catalog.current();
    const found = curriculum.milestoneById.get(String(req.params.milestoneId));
    const kit = found && curriculum.kitByMilestoneId.get(found.milestone.id);
    if (!found || !kit || found.module.trackId !== track.id)
      throw new NotFound('There is no facilitator kit for this milestone.');
    res.render('curriculum/kit', {
      pageTitle: `Facilitator kit: ${found.milestone.title}`,
      track: { title: track.title, url: `/tracks/${track.id}` },
      module: { title: found.module.title, url: `/tracks/${track.id}/${found.module.id}` },
      milestone: found.milestone,
      kit,
    });
  });

  router.post('/tracks/:trackId/:moduleId/read', requireSignedIn, async (req, res) => {
    const module = findModule(req);
    await progress.markRead(manager, req.user!.id, module);
    flash(req, 'success', `Marked “${module.title}” as read.`);
    res.redirect(303, `/tracks/${module.trackId}/${module.id}`);
  });

  // Full-text search is the costliest page anyone (even anonymous readers) can ask for.
  const searchLimit = addressLimit({ name: 'search', perMinute: 60, inFlight: 3 });
  router.get('/search', readers, searchLimit, async (req, res) => {
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
