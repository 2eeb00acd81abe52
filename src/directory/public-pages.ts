import type { Request, Response } from 'express';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { bytesToKeep } from '../web/bytes-to-keep';
import { weakEtag } from '../web/etag';
import { pageCacheUsable } from '../web/page-cache';

/** The change topic the database notifies when anything behind the public directory changes. */
export const DIRECTORY_TOPIC = 'directory';

interface CachedBody {
  body: Buffer;
  etag: string;
  type: string;
}

/**
 * The directory, chapter pages, story pages and feeds as anonymous visitors get them, kept in memory
 * (production's view cache) until the database announces a change behind them in any process
 * (chapters, pages, publications, workshops, hidden posts, authors' names): unpublishing takes a
 * story off every process's pages at once. Signed-in people, and pages with a one-time message,
 * are always rendered afresh.
 */
export class PublicPages {
  private readonly cache: SharedCache<CachedBody>;

  constructor(feed: ChangeFeed) {
    this.cache = new SharedCache<CachedBody>(feed, DIRECTORY_TOPIC, { max: 2_000, ttlMs: 5 * 60_000 });
  }

  /** Sends the page for `req.path`, from memory when it may be, else made by `make` (type and text). */
  async send(
    req: Request,
    res: Response,
    make: () => Promise<{ type: string; text: string }>,
  ): Promise<void> {
    const cacheable = !req.user && pageCacheUsable(req, res);
    const load = async () => {
      const { type, text } = await make();
      const body = bytesToKeep(text);
      return { body, type, etag: weakEtag(body) };
    };
    const page = cacheable ? await this.cache.get(req.path, load) : await load();
    if (cacheable) res.set('ETag', page.etag);
    res.type(page.type).send(page.body);
  }
}
