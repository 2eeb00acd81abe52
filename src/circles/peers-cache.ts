import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { CIRCLE_ACCESS_TOPIC } from './circles.service';
import { CIRCLE_POSTS_TOPIC } from './first-page-cache';

/** How long a reader's "Peers on this module" may be served without a notice (a backstop). */
export const PEERS_TTL_MS = 10_000;

/**
 * Each reader's "Peers on this module" per module, kept in this process (production only:
 * `enabled`). Emptied whole when posts, replies or me-toos change (CIRCLE_POSTS_TOPIC) or when
 * anyone's circles change (CIRCLE_ACCESS_TOPIC) in any process, when this process serves a write,
 * and after PEERS_TTL_MS. Keyed by reader and module, so one reader never sees another's list.
 */
export class PeersCache<V> {
  private readonly cache: SharedCache<V>;

  constructor(
    feed: ChangeFeed,
    private readonly enabled: () => boolean,
    options: { max: number; ttlMs: number } = { max: 10_000, ttlMs: PEERS_TTL_MS },
  ) {
    this.cache = new SharedCache(feed, [CIRCLE_POSTS_TOPIC, CIRCLE_ACCESS_TOPIC], {
      ...options,
      wholeOnAnyNotice: true,
    });
  }

  /** The reader's list for the module, from memory or from `load()`. */
  get(viewerId: string, moduleId: string, load: () => Promise<V>): Promise<V> {
    return this.enabled() ? this.cache.get(`${viewerId}\u0000${moduleId}`, load) : load();
  }
}
