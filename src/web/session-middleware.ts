import { randomBytes } from 'node:crypto';
import session from 'express-session';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { readSignedSessionId, signedSessionId } from './session-cookie';
import { markStored } from './session-writes';

export interface SessionLayerOptions {
  store: session.Store;
  /** Cookie name. */
  name: string;
  secret: string;
  cookie: session.CookieOptions;
  logger: Logger;
}

/** A session's data as the store last had it (without the cookie), and whether this request wrote it. */
interface Stored {
  json: string;
  writtenNow: boolean;
}
const stored = new WeakMap<object, Stored>();

// express-session exports these classes; its type definitions hide their constructors and serialize().
type SessionCookie = session.Cookie & { serialize(name: string, value: string): string };
const Session = session.Session as unknown as new (req: Request) => Request['session'];
const Cookie = session.Cookie as unknown as new (options: session.CookieOptions) => SessionCookie;

function dataOf(sess: object): string {
  return JSON.stringify({ ...sess, cookie: undefined }); // JSON leaves out undefined values
}

/** Whether the request's session differs from what the store holds (a new, empty session does not). */
export function sessionChanged(req: Request): boolean {
  const sess = req.session as object | undefined;
  return sess !== undefined && stored.get(sess)?.json !== dataOf(sess);
}

/** The session's data without what a page shows once (messages) or the expiry renewal mark. */
function lasting(json: string): string {
  return JSON.stringify({ ...(JSON.parse(json) as object), flash: undefined, renewedAt: undefined });
}

/**
 * Whether the request changed more of its session than its one-time messages (a sign-in, a sign-out,
 * a new CSRF token): a failed save of such a change fails the request; a lost message does not.
 */
export function changedBeyondMessages(req: Request): boolean {
  const sess = req.session as object | undefined;
  const state = sess && stored.get(sess);
  return sess !== undefined && (!state || lasting(state.json) !== lasting(dataOf(sess)));
}

/** Gives up on saving this request's session change (already logged): the response ends without it. */
export function dropSessionChange(req: Request): void {
  const sess = req.session as object | undefined;
  if (sess) stored.set(sess, { json: dataOf(sess), writtenNow: false });
}

/**
 * Sessions with express-session's Session, Cookie and Store classes (so passport, csrf-sync and
 * connect-pg-simple see what they expect) but not its middleware, which hashed the whole session
 * with SHA-1 three times per request and wrapped every response to decide whether to save it.
 * Here the session's JSON is kept as loaded and compared once as the response ends:
 * - a changed session is saved before the response ends (if the save fails, that is logged and the
 *   page still goes out, without a new cookie; the change is lost);
 * - every write moves the idle expiry forward, and a session written during the request, or about to
 *   be, gets a fresh cookie (new id after sign-in, later expiry); an unchanged one gets none;
 * - a new session is stored only once something is put in it (no rows for passing visitors).
 */
export function sessionLayer({ store, name, secret, cookie, logger }: SessionLayerOptions): RequestHandler {
  const sessionStore = store as Request['sessionStore'];
  sessionStore.generate = (request) => {
    const req = request as Request;
    req.sessionID = randomBytes(24).toString('base64url');
    req.session = new Session(req);
    req.session.cookie = new Cookie(cookie);
    stored.set(req.session, { json: dataOf(req.session), writtenNow: false });
  };
  const createSession = store.createSession.bind(store);
  store.createSession = (req, data) => {
    const sess = createSession(req, data);
    stored.set(sess, { json: dataOf(sess), writtenNow: false });
    markStored(sess); // loaded: its saves only update, so a session ended meanwhile stays ended
    return sess;
  };
  const set = store.set.bind(store);
  store.set = (sid, data, done) => {
    (data as Partial<session.Session>).touch?.();
    const json = dataOf(data);
    set(sid, data, (error?: unknown) => {
      if (!error) stored.set(data, { json, writtenNow: true });
      done?.(error);
    });
  };

  return (req, res, next) => {
    req.sessionStore = sessionStore;
    const cookieId = readSignedSessionId(req.headers.cookie, name, secret);
    saveAsResponseEnds(req, res, { name, secret, logger });
    if (!cookieId) {
      sessionStore.generate(req);
      return next();
    }
    store.get(cookieId, (error: unknown, data) => {
      if (error) return next(error);
      try {
        if (data) {
          req.sessionID = cookieId;
          store.createSession(req, data);
        } else sessionStore.generate(req); // ended or expired: a new id, never the one the browser offered
      } catch (createError) {
        return next(createError);
      }
      next();
    });
  };
}

type Callable = (...args: unknown[]) => unknown;

function saveAsResponseEnds(
  req: Request,
  res: Response,
  { name, secret, logger }: Pick<SessionLayerOptions, 'name' | 'secret' | 'logger'>,
): void {
  let saveFailed = false;
  // Set once res.end found the session unchanged: headers written from there on need not compare again.
  let unchangedAtEnd = false;
  const writeHead = res.writeHead.bind(res) as Callable;
  res.writeHead = ((...args: unknown[]) => {
    const sess = req.session;
    const state = sess && stored.get(sess);
    // Written during this request, or changed and about to be (a streamed response ends later).
    const cookieDue =
      state !== undefined &&
      !saveFailed &&
      (state.writtenNow || (!unchangedAtEnd && state.json !== dataOf(sess)));
    // Browsers drop a Secure cookie sent over plain HTTP; the session is still saved.
    if (cookieDue && (!sess.cookie.secure || req.secure)) {
      if (!state.writtenNow) sess.touch();
      const setCookie = (sess.cookie as SessionCookie).serialize(
        name,
        signedSessionId(req.sessionID, secret),
      );
      const previous = res.getHeader('Set-Cookie');
      res.setHeader(
        'Set-Cookie',
        previous === undefined ? setCookie : [previous, setCookie].flat().map(String),
      );
    }
    return writeHead(...args);
  }) as Response['writeHead'];

  const end = res.end.bind(res) as Callable;
  let ending = false;
  res.end = ((...args: unknown[]) => {
    if (ending) return res;
    ending = true;
    if (!sessionChanged(req)) {
      unchangedAtEnd = true;
      return end(...args);
    }
    req.session.save((error?: unknown) => {
      saveFailed = Boolean(error);
      if (error)
        logger.warn(
          { err: error, url: req.originalUrl },
          'the session could not be saved; the page is sent without the change',
        );
      end(...args);
    });
    return res;
  }) as Response['end'];
}
