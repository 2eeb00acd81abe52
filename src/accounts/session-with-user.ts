import type { Request } from 'express';
import type session from 'express-session';
import type { Pool } from 'pg';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import type { SessionUser } from './session-user';
import { sessionUserFrom, type SessionUserRow } from './users';

declare module 'express-serve-static-core' {
  interface Request {
    /** The session's active person, read with the session itself (null: none or deactivated). */
    sessionUser?: SessionUser | null;
  }
}

/** Change notices about sessions (migration KeyedChangeNotices…): `session:<sid>`, or all of them. */
export const SESSION_TOPIC = 'session';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// The person is looked up by primary key from the id passport stored in the session (a uuid,
// checked before the cast so a malformed session cannot make the statement fail). The expiry is
// read as milliseconds since 1970, converted by the database, which stores it in its own time zone.
const SESSION_WITH_USER = `
  SELECT s.sess, (extract(epoch FROM s.expire::timestamptz) * 1000)::float8 AS expires_at,
         u.id, u.email, u.display_name, u.role, u.chapter_id, u.scope_chapter_id
    FROM sessions s
    LEFT JOIN users u
      ON u.active
     AND u.id = CASE WHEN s.sess #>> '{passport,user}' ~ '${UUID}'
                     THEN (s.sess #>> '{passport,user}')::uuid END
   WHERE s.sid = $1 AND s.expire >= now()`;

/** A session as read: its data (as JSON, so each request gets its own copy) and its person. */
interface StoredSession {
  json: string;
  person: SessionUser | null;
  expiresAt: number;
}

export interface SessionCaching {
  feed: ChangeFeed;
  /** Whether to keep sessions in memory (production); read per request, so tests can turn it on. */
  enabled: () => boolean;
}

/**
 * Every signed-in request needs its session and its person, fresh (so sign-out, role changes and
 * deactivation apply at once, in every process). This reads both in one round trip, one statement
 * and so one snapshot: the store's `get` joins the person, and `createSession` (which
 * the session layer calls with the request) hands it on as `req.sessionUser`, which
 * restoreSignedInPerson (passport.ts) makes `req.user`.
 *
 * With `caching`, what was read is kept in this process until the database announces a change to
 * that session (written, ended) or to anyone's account, or until its stored expiry passes (then it
 * is read again, since another request may have extended it). This process's own writes drop the
 * entry before the response is sent.
 */
export function readSessionsWithTheirUser(store: session.Store, pool: Pool, caching?: SessionCaching): void {
  const people = new WeakMap<object, SessionUser | null>();
  const read = async (sid: string): Promise<StoredSession | null> => {
    const {
      rows: [row],
    } = await pool.query<SessionUserRow & { sess: session.SessionData | string; expires_at: number }>({
      name: 'session-with-user',
      text: SESSION_WITH_USER,
      values: [sid],
    });
    if (!row) return null;
    return {
      json: typeof row.sess === 'string' ? row.sess : JSON.stringify(row.sess),
      person: row.id ? sessionUserFrom(row) : null,
      expiresAt: row.expires_at,
    };
  };
  const cache =
    caching &&
    new SharedCache<StoredSession | null>(caching.feed, SESSION_TOPIC, { max: 10_000, ttlMs: 60_000 });
  const current = (stored: StoredSession | null) => stored !== null && stored.expiresAt >= Date.now();

  store.get = (sid, done) => {
    const stored = cache && caching.enabled() ? cache.get(sid, () => read(sid), current) : read(sid);
    stored
      .then((found) => {
        if (!found) return done(null, null);
        const sess = JSON.parse(found.json) as session.SessionData;
        people.set(sess, found.person && { ...found.person });
        done(null, sess);
      })
      .catch((error: unknown) => done(error));
  };
  const createSession = store.createSession.bind(store);
  store.createSession = (req: Request, sess: session.SessionData) => {
    const person = people.get(sess);
    if (person !== undefined) req.sessionUser = person;
    return createSession(req, sess);
  };
  if (caching) forgetOwnWrites(store, caching.feed);
}

/** Drops this process's copy of a session it writes or ends, before the response that did it is sent. */
function forgetOwnWrites(store: session.Store, feed: ChangeFeed): void {
  const set = store.set.bind(store);
  const destroy = store.destroy.bind(store);
  store.set = (sid, sess, done) =>
    set(sid, sess, (error?: unknown) => {
      feed.changed(SESSION_TOPIC, sid);
      done?.(error);
    });
  store.destroy = (sid, done) =>
    destroy(sid, (error?: unknown) => {
      feed.changed(SESSION_TOPIC, sid);
      done?.(error);
    });
}
