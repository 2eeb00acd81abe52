import type { Request } from 'express';
import type session from 'express-session';
import type { Pool } from 'pg';
import type { SessionUser } from './session-user';
import { sessionUserFrom, type SessionUserRow } from './users';

declare module 'express-serve-static-core' {
  interface Request {
    /** The session's active person, read with the session itself (null: none or deactivated). */
    sessionUser?: SessionUser | null;
  }
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// The person is looked up by primary key from the id passport stored in the session (a uuid,
// checked before the cast so a malformed session cannot make the statement fail).
const SESSION_WITH_USER = `
  SELECT s.sess, u.id, u.email, u.display_name, u.role, u.chapter_id, u.scope_chapter_id
    FROM sessions s
    LEFT JOIN users u
      ON u.active
     AND u.id = CASE WHEN s.sess #>> '{passport,user}' ~ '${UUID}'
                     THEN (s.sess #>> '{passport,user}')::uuid END
   WHERE s.sid = $1 AND s.expire >= now()`;

/**
 * Every signed-in request needs its session and its person, fresh from the database (so sign-out,
 * role changes and deactivation apply at once, in every process). This reads both in one round trip,
 * one statement and so one snapshot: the store's `get` joins the person, and `createSession`
 * (which express-session calls with the request) hands it on as `req.sessionUser`, which
 * restoreSignedInPerson (passport.ts) makes `req.user`.
 */
export function readSessionsWithTheirUser(store: session.Store, pool: Pool): void {
  const people = new WeakMap<object, SessionUser | null>();
  store.get = (sid, done) => {
    pool
      .query<SessionUserRow & { sess: session.SessionData | string }>({
        name: 'session-with-user',
        text: SESSION_WITH_USER,
        values: [sid],
      })
      .then(({ rows: [row] }) => {
        if (!row) return done(null, null);
        const sess = typeof row.sess === 'string' ? (JSON.parse(row.sess) as session.SessionData) : row.sess;
        people.set(sess, row.id ? sessionUserFrom(row) : null);
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
}
