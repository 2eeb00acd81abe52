import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import type { Logger } from 'pino';

/** The channel the database's change triggers notify (migration ChangeFeed…). */
export const CHANGE_CHANNEL = 'academy_changes';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;
/** The default time between heartbeats (CHANGE_FEED_HEARTBEAT_MS). */
export const HEARTBEAT_MS = 2_000;

/**
 * Tells every app process when shared data changed, so per-process caches stay correct when several
 * processes share one database. Triggers in the database `pg_notify` a topic (say `certificates`)
 * when a statement changes the tables behind it; PostgreSQL delivers it, after commit, to each
 * process listening here. While the listening connection is down nothing can be trusted to be
 * fresh: `live` is false, every watcher is reset, and caches must read through until it is back.
 *
 * A connection can also die silently (a NAT or load balancer dropping an idle flow): no error, no
 * notices. So every `heartbeatMs` the feed notifies itself on a channel of its own over the same
 * connection; `live` holds only while the last heartbeat came back within 1.5 heartbeats, and a
 * heartbeat unanswered for a whole period counts as the connection lost (it is replaced, and
 * that is logged, as is its return).
 */
export class ChangeFeed {
  private client: Client | undefined;
  private readonly watchers = new Map<string, Set<(key?: string) => void>>();
  private connected = false;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** This feed's own channel: only its heartbeats arrive there. */
  private readonly heartbeatChannel = `academy_feed_${randomBytes(8).toString('hex')}`;
  private heartbeatSentAt = 0;
  private heartbeatAnsweredAt = 0;
  private readonly heartbeatMs: number;

  constructor(
    private readonly clientConfig: ClientConfig,
    private readonly logger: Logger,
    { heartbeatMs = HEARTBEAT_MS }: { heartbeatMs?: number } = {},
  ) {
    this.heartbeatMs = heartbeatMs;
  }

  /**
   * True while changes are confirmed to be arriving (connected, and a heartbeat came back lately):
   * only then may a cache answer without the database.
   */
  get live(): boolean {
    return this.connected && !this.stopped && Date.now() - this.heartbeatAnsweredAt < this.heartbeatMs * 1.5;
  }

  /**
   * Calls `onChange` when `topic` changes in any process, and when the feed is lost or regained.
   * A notice about one row of a topic (`topic:key`, say `session:<sid>`) passes that key; without a
   * key, everything under the topic may have changed.
   */
  watch(topic: string, onChange: (key?: string) => void): void {
    const set = this.watchers.get(topic) ?? new Set();
    set.add(onChange);
    this.watchers.set(topic, set);
  }

  /** Tells this process's watchers at once (the trigger's notice reaches other processes). */
  changed(topic: string, key?: string): void {
    for (const onChange of this.watchers.get(topic) ?? []) onChange(key);
  }

  /**
   * Empties every cache of this process. Called before the response to any state-changing
   * request leaves (src/web/shared-caches.ts), so a person always sees their own change on the
   * next page, whichever tables it touched.
   */
  changedAll(): void {
    this.resetAll();
  }

  start(): void {
    if (this.client || this.stopped) return;
    const client = new Client({ ...this.clientConfig, keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === this.heartbeatChannel) return this.heartbeatAnswered(client);
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      const colon = message.payload.indexOf(':');
      if (colon < 0) this.changed(message.payload);
      else this.changed(message.payload.slice(0, colon), message.payload.slice(colon + 1));
    });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      clearInterval(this.heartbeatTimer);
      const wasConnected = this.connected;
      this.connected = false;
      this.resetAll();
      client.end().catch(() => undefined);
      // A silently dead connection would wait for TCP to give up (hours): drop it now.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      if (this.stopped) return;
      if (wasConnected || error) this.logger.warn({ err: error }, 'change feed lost; caches read through');
      this.retryTimer = setTimeout(() => this.start(), this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${this.heartbeatChannel}`))
      .then(() => {
        if (this.client !== client) return;
        // Anything cached before this point may have missed a change.
        this.resetAll();
        this.connected = true;
        this.heartbeatAnsweredAt = Date.now();
        this.heartbeatSentAt = 0;
        if (this.retryMs > RETRY_MIN_MS) this.logger.info('change feed back; caches in use again');
        this.retryMs = RETRY_MIN_MS;
        this.heartbeatTimer = setInterval(() => this.beat(client, lost), this.heartbeatMs);
        this.heartbeatTimer.unref();
      })
      .catch((error: Error) => lost(error));
  }

  /** Sends a heartbeat, unless the previous one never came back: then the connection is lost. */
  private beat(client: Client, lost: (error?: Error) => void): void {
    if (this.client !== client) return;
    if (
      this.heartbeatSentAt > this.heartbeatAnsweredAt &&
      Date.now() - this.heartbeatSentAt >= this.heartbeatMs
    )
      return lost(new Error(`no heartbeat answer within ${this.heartbeatMs} ms`));
    this.heartbeatSentAt = Date.now();
    client.query('SELECT pg_notify($1, $2)', [this.heartbeatChannel, '']).catch(() => undefined);
  }

  private heartbeatAnswered(client: Client): void {
    if (this.client !== client) return;
    const wasLive = this.live;
    this.heartbeatAnsweredAt = Date.now();
    // Caches were bypassed meanwhile: start them afresh rather than trust entries from before.
    if (!wasLive) {
      this.resetAll();
      this.logger.info('change feed heartbeat answered again; caches in use again');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    this.resetAll();
    await client?.end().catch(() => undefined);
  }

  private resetAll(): void {
    for (const set of this.watchers.values()) for (const onChange of set) onChange();
  }
}

/**
 * A per-process cache of values derived from shared data, emptied whenever its topic changes in
 * any process (see ChangeFeed). It answers only while the feed is live; otherwise it reads through.
 * A value loaded while a change arrived is not kept (it may predate the change). A notice naming
 * one key drops only that entry; so cache by the key the database's notices use. Entries also
 * expire after `ttlMs`, a backstop should a notice ever go missing.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private generation = 0;

  /**
   * `topics`: one topic or several (any of them empties the cache). With `wholeOnAnyNotice`, a
   * notice naming a key empties the whole cache too: for caches keyed otherwise than the notices.
   */
  constructor(
    private readonly feed: ChangeFeed,
    topics: string | readonly string[],
    private readonly options: { max: number; ttlMs: number; wholeOnAnyNotice?: boolean },
  ) {
    for (const topic of typeof topics === 'string' ? [topics] : topics)
      feed.watch(topic, (key) => {
        this.generation += 1;
        if (key === undefined || options.wholeOnAnyNotice) this.entries.clear();
        else this.entries.delete(key);
      });
  }

  /** The cached value for `key`, or else `load()`'s; `usable` may turn a value down (not served, not kept). */
  async get(key: string, load: () => Promise<V>, usable?: (value: V) => boolean): Promise<V> {
    if (!this.feed.live) return load();
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.at < this.options.ttlMs && (!usable || usable(entry.value)))
      return entry.value;
    const generation = this.generation;
    const value = await load();
    if (this.feed.live && generation === this.generation && (!usable || usable(value))) {
      if (this.entries.size >= this.options.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, at: Date.now() });
    }
    return value;
  }
}
