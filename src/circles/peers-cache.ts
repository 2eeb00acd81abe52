import type { ChangeFeed } from '../db/change-feed';
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
  private readonly entries = new Map<string, { value: V; at: number }>();
  private generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly enabled: () => boolean,
    private readonly options: { max: number; ttlMs: number } = { max: 10_000, ttlMs: PEERS_TTL_MS },
  ) {
    for (const topic of [CIRCLE_POSTS_TOPIC, CIRCLE_ACCESS_TOPIC])
      feed.watch(topic, () => {
        this.generation += 1;
        this.entries.clear();
      });
  }

  /** The reader's list for the module, from memory or from `load()`. */
  async get(viewerId: string, moduleId: string, load: () => Promise<V>): Promise<V> {
    if (!this.enabled() || !this.feed.live) return load();
    const key = `${viewerId}\u0000${moduleId}`;
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.options.ttlMs) return entry.value;
    const generation = this.generation;
    const value = await load();
    if (this.feed.live && generation === this.generation) {
      if (this.entries.size >= this.options.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, at: Date.now() });
    }
    return value;
  }
}
