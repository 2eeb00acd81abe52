import type { RequestHandler, Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { ChangeFeed } from '../db/change-feed';
import { directoryRouter } from './directory.router';
import { DirectoryService } from './directory.service';
import { PublicPages } from './public-pages';
import { StoriesService } from './stories.service';
import { storiesRouter } from './stories.router';
import type { ChapterPageSlots } from './view-models';

export { PUBLIC_DIRECTORY_PATHS } from './directory.router';
export type { ChapterPageSlots } from './view-models';

/**
 * Wires the chapter directory and published stories: the public pages (limited per address like
 * the public certificate pages, and cached for anonymous visitors), the page editor, and the story
 * publication routes. `slots` lets other features add gatherings, projects and listed organizers.
 */
export function createDirectoryRouters(
  dataSource: DataSource,
  config: Config,
  feed: ChangeFeed,
  publicLimit: RequestHandler,
  slots?: (chapterId: string) => Promise<ChapterPageSlots>,
): { publicRouter: Router; storiesRouter: Router } {
  return {
    publicRouter: directoryRouter({
      dataSource,
      directory: new DirectoryService(),
      pages: new PublicPages(feed),
      publicLimit,
      baseUrl: config.baseUrl,
      slots,
    }),
    storiesRouter: storiesRouter({ dataSource, stories: new StoriesService(config.baseUrl) }),
  };
}
