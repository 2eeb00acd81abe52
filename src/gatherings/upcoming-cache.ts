import type { EntityManager } from 'typeorm';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { DIRECTORY_TOPIC } from '../directory/public-pages';
import type { Gathering } from './gathering.entities';
import { upcomingInCircle } from './gatherings.service';

/** How long a circle's upcoming gatherings may be served without a notice (a backstop, and the lag before an ended gathering leaves the list). */
export const UPCOMING_TTL_MS = 10_000;

/**
 * The next few gatherings of each circle, as its page shows them, kept in memory per process
 * (production only: `enabled`). Any change to the gatherings table notifies the directory topic in
 * every process (DirectorySlotsNotify migration), which empties the cache; entries also expire
 * after UPCOMING_TTL_MS. Without caching, every call reads the database.
 */
export class UpcomingGatherings {
  private readonly cache?: SharedCache<Gathering[]>;

  constructor(private readonly caching?: { feed: ChangeFeed; enabled: () => boolean }) {
    if (caching)
      this.cache = new SharedCache(caching.feed, DIRECTORY_TOPIC, { max: 1_000, ttlMs: UPCOMING_TTL_MS });
  }

  /** The circle's next `limit` gatherings that are not cancelled and have not ended, soonest first. */
  inCircle(manager: EntityManager, circleId: string, limit = 5): Promise<Gathering[]> {
    const load = () => upcomingInCircle(manager, circleId, limit);
    return this.cache && this.caching?.enabled() ? this.cache.get(`${circleId}:${limit}`, load) : load();
  }
}
