import { randomBytes } from 'node:crypto';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import { bytesToKeep } from './bytes-to-keep';
import { weakEtag } from './etag';
import { notificationsLinkHtml } from './notifications-link';

/** A page rendered once, with its ETag; reused while the curriculum version is the same. */
interface CachedPage {
  version: string;
  body: Buffer;
  etag: string;
}

/** Renders `view` with `locals` (over res.locals, as res.render does) to a string. */
export function renderToString(
  res: Response,
  view: string,
  locals: Record<string, unknown>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, locals, (error: Error | null, html: string) => (error ? reject(error) : resolve(html)));
  });
}

/** Whether a page may come from a cache: production (view cache on) and no one-time message to show. */
export function pageCacheUsable(req: Request, res: Response): boolean {
  const flash = res.locals.flash as unknown[] | undefined;
  return !flash?.length && req.app.enabled('view cache');
}

/**
 * What an anonymous visitor sees of a module depends only on the curriculum: the page is rendered
 * once per module and curriculum version and sent from memory (with its ETag) after that.
 */
export function anonymousPageCache() {
  const pages = new Map<string, CachedPage>();
  return {
    async send(
      res: Response,
      key: string,
      version: string,
      view: string,
      locals: () => Record<string, unknown>,
    ): Promise<void> {
      let page = pages.get(key);
      if (page?.version !== version) {
        const body = bytesToKeep(await renderToString(res, view, locals()));
        page = { version, body, etag: weakEtag(body) };
        pages.set(key, page);
      }
      res.set('ETag', page.etag);
      res.type('html').send(page.body);
    },
  };
}

/** One reader's values, put into a page rendered for everyone who sees the same thing. */
export interface ReaderValues {
  displayName: string;
  csrfToken: string;
  /** Their unread notifications, for the header's link. */
  unreadNotifications: number;
  /** HTML made for this reader (e.g. "Peers on this module"), put in as it is: never raw user text. */
  peersHtml?: string;
}

// Markers rendered where a reader's own values go; random per process so no text can forge one.
const nonce = randomBytes(8).toString('hex');
const NAME_SLOT = `oa-slot-${nonce}-name`;
const TOKEN_SLOT = `oa-slot-${nonce}-token`;
const PEERS_SLOT = `oa-slot-${nonce}-peers`;
const NOTIFICATIONS_SLOT = `oa-slot-${nonce}-notifications`;
const SLOTS = new RegExp(`(${NAME_SLOT}|${TOKEN_SLOT}|${PEERS_SLOT}|${NOTIFICATIONS_SLOT})`);

/**
 * Signed-in readers of one module mostly see the same page: it differs by role (navigation), by
 * what the reader has done (given in `key`), and by their name, CSRF token and unread notifications.
 * The page is rendered once per key with markers in place of those, split at the markers, and each
 * request puts its own values (escaped, as the view would) into the gaps.
 *
 * `key` must name everything else the page shows that can differ between readers.
 */
export function readerPageCache({ max }: { max: number }) {
  // Each page as UTF-8 pieces: the reader's page is one Buffer.concat, with no page-sized string.
  const pages = new Map<string, (Buffer | string)[]>();
  let cachedVersion = '';
  return {
    async send(
      res: Response,
      { key, version, view, role }: { key: string; version: string; view: string; role: string },
      locals: () => Record<string, unknown>,
      reader: ReaderValues,
    ): Promise<void> {
      if (version !== cachedVersion) {
        pages.clear();
        cachedVersion = version;
      }
      let parts = pages.get(key);
      if (!parts) {
        const html = await renderToString(res, view, {
          ...locals(),
          currentUser: { displayName: NAME_SLOT, role },
          csrfToken: () => TOKEN_SLOT,
          peersHtml: PEERS_SLOT,
          notificationsLink: () => NOTIFICATIONS_SLOT,
        });
        // split() with a capturing pattern keeps the markers (strings, at odd positions); the rest is text.
        parts = html.split(SLOTS).map((part, i) => (i % 2 ? part : bytesToKeep(part)));
        if (pages.size >= max) pages.delete(pages.keys().next().value!);
        pages.set(key, parts);
      }
      const name = Buffer.from(ejs.escapeXML(reader.displayName));
      const token = Buffer.from(ejs.escapeXML(reader.csrfToken));
      const peers = Buffer.from(reader.peersHtml ?? '');
      const notifications = Buffer.from(notificationsLinkHtml(reader.unreadNotifications));
      const values = new Map([
        [NAME_SLOT, name],
        [TOKEN_SLOT, token],
        [PEERS_SLOT, peers],
        [NOTIFICATIONS_SLOT, notifications],
      ]);
      const slot = (part: string) => values.get(part)!;
      const body = Buffer.concat(parts.map((part) => (typeof part !== 'string' ? part : slot(part))));
      res.type('html').send(body);
    },
  };
}

const identities = new WeakMap<object, number>();
let lastIdentity = 0;

/**
 * A short key naming one object for as long as it lives: for page keys built from cached values
 * that are replaced (never changed) when their data changes, so a new value means a new page.
 */
export function identityKey(value: object): string {
  let id = identities.get(value);
  if (id === undefined) {
    lastIdentity += 1;
    id = lastIdentity;
    identities.set(value, id);
  }
  return id.toString(36);
}
