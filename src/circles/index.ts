import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import type { Curriculum } from '../curriculum/curriculum.types';
import type { Config } from '../config';
import { NotificationsService } from '../notifications/notifications.service';
import { AttemptLimiter } from '../web/attempt-limiter';
import { AskEscalations } from './ask-escalations';
import { CareSweeper } from './care-sweeper';
import { CircleDigests } from './circle-digest';
import { circlesRouter } from './circles.router';
import { CirclesService } from './circles.service';
import { MentionsService } from './mentions';
import { ModerationService } from './moderation.service';
import { PostsService } from './posts.service';
import { CircleProfileService } from './profile.service';
import { RepliesService } from './replies.service';
import { CircleSearchService, PEERS_SIZE, type FoundPost } from './search.service';
import { PeersCache } from './peers-cache';
import { talkRouter } from './talk.router';
import { foundView } from './talk.view-models';
import type { ChangeFeed } from '../db/change-feed';
import { FirstPageCache } from './first-page-cache';
import { UpcomingGatherings } from '../gatherings/upcoming-cache';

/** Posts and replies one person may write: 10 in 10 minutes, across every app process. */
export const POSTING_LIMIT = { attempts: 10, windowSeconds: 600 } as const;

/** What circles need from the rest of the app for curriculum links and @mention notifications. */
export interface CirclesTalkDeps {
  curriculum: () => Curriculum;
  baseUrl: string;
}

/**
 * Wires the circles feature: services, the shared posting limit, the code of conduct file and
 * (with `caching`) the per-process cache of each circle's first page.
 */
export function createCirclesRouter(
  dataSource: DataSource,
  pool: Pool,
  curriculumDir: string,
  talk?: CirclesTalkDeps,
  caching?: { feed: ChangeFeed; enabled: () => boolean },
): Router {
  const circles = new CirclesService(caching);
  const limiter = new AttemptLimiter(pool, {
    prefix: 'circle-post',
    ...POSTING_LIMIT,
    blockSeconds: POSTING_LIMIT.windowSeconds,
    message: 'You have posted a lot in a short time. Please wait {wait} and try again.',
  });
  const mentions = talk && new MentionsService(talk.baseUrl);
  const posts = new PostsService(
    circles,
    limiter,
    talk && mentions && { curriculum: talk.curriculum, mentions },
    caching && new FirstPageCache(caching.feed, caching.enabled),
  );
  const moderation = new ModerationService(posts);
  const conductFile = path.join(curriculumDir, 'code-of-conduct.md');
  const conduct = () =>
    fs.existsSync(conductFile)
      ? fs.readFileSync(conductFile, 'utf8')
      : 'Be kind, assume good intent, keep what is shared in the circle, and report what is not right.';
  const router = Router();
  if (talk && mentions) {
    const replies = new RepliesService(posts, mentions);
    const search = new CircleSearchService();
    const profiles = new CircleProfileService();
    router.use(
      talkRouter({ dataSource, circles, posts, replies, search, profiles, curriculum: talk.curriculum }),
    );
  }
  router.use(
    circlesRouter({
      dataSource,
      circles,
      posts,
      moderation,
      conduct,
      mentions,
      curriculum: talk?.curriculum,
      gatherings: new UpcomingGatherings(caching),
    }),
  );
  return router;
}

/**
 * "Peers on this module" for a module page: the newest few posts from the viewer's circles that
 * link the module or one of its milestones (one query, or none while the reader's list is in
 * the PeersCache), as the circles/peers view shows them.
 */
export function modulePeers(
  dataSource: DataSource,
  curriculum: () => Curriculum,
  caching?: { feed: ChangeFeed; enabled: () => boolean },
) {
  const search = new CircleSearchService();
  const cache = caching && new PeersCache<FoundPost[]>(caching.feed, caching.enabled);
  return async (viewer: SessionUser, moduleId: string) => {
    const read = () => search.peers(dataSource.manager, viewer.id, moduleId);
    const found = cache ? await cache.get(viewer.id, moduleId, read) : await read();
    return {
      peers: found.map((p) => foundView(curriculum(), p)),
      moreUrl: `/circles/search?module=${encodeURIComponent(moduleId)}`,
      limit: PEERS_SIZE,
    };
  };
}

/** The periodic work of circles (escalating unanswered asks, weekly circle digests) for one process. */
export function createCareSweeper(
  config: Pick<Config, 'baseUrl' | 'sessionSecret' | 'circleAskEscalateHours'>,
): CareSweeper {
  return new CareSweeper(
    new AskEscalations(config.baseUrl, config.circleAskEscalateHours),
    new CircleDigests(new NotificationsService(config.sessionSecret), config.baseUrl),
  );
}
