import fs from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { NotificationsService } from '../notifications/notifications.service';
import { AttemptLimiter } from '../web/attempt-limiter';
import { AskEscalations } from './ask-escalations';
import { CareSweeper } from './care-sweeper';
import { CircleDigests } from './circle-digest';
import { circlesRouter } from './circles.router';
import { CirclesService } from './circles.service';
import { ModerationService } from './moderation.service';
import { PostsService } from './posts.service';

/** Posts and replies one person may write: 10 in 10 minutes, across every app process. */
export const POSTING_LIMIT = { attempts: 10, windowSeconds: 600 } as const;

/** Wires the circles feature: services, the shared posting limit and the code of conduct file. */
export function createCirclesRouter(dataSource: DataSource, pool: Pool, curriculumDir: string): Router {
  const circles = new CirclesService();
  const limiter = new AttemptLimiter(pool, {
    prefix: 'circle-post',
    ...POSTING_LIMIT,
    blockSeconds: POSTING_LIMIT.windowSeconds,
    message: 'You have posted a lot in a short time. Please wait {wait} and try again.',
  });
  const posts = new PostsService(circles, limiter);
  const moderation = new ModerationService(posts);
  const conductFile = path.join(curriculumDir, 'code-of-conduct.md');
  const conduct = () =>
    fs.existsSync(conductFile)
      ? fs.readFileSync(conductFile, 'utf8')
      : 'Be kind, assume good intent, keep what is shared in the circle, and report what is not right.';
  return circlesRouter({ dataSource, circles, posts, moderation, conduct });
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
