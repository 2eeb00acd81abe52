import type session from 'express-session';
import type { Pool } from 'pg';
import type { Logger } from 'pino';

/** Session objects whose row this process read from the store, or already wrote: they only update. */
const inStore = new WeakSet<object>();

/** Marks a session as having a row (loaded from the store, or written once). */
export function markStored(sess: object): void {
  inStore.add(sess);
}

/** connect-pg-simple's default lifetime for a session whose cookie has no expiry. */
const ONE_DAY_SECONDS = 86_400;

function expirySeconds(sess: session.SessionData): number {
  const expires = sess.cookie?.expires;
  return expires
    ? Math.ceil(new Date(expires).getTime() / 1000)
    : Math.ceil(Date.now() / 1000) + ONE_DAY_SECONDS;
}

/**
 * Session saves that never bring an ended session back. connect-pg-simple saves with an upsert
 * (`INSERT … ON CONFLICT DO UPDATE`), so a request that loaded a session before a password reset,
 * a password change or a deactivation deleted its row re-created it when it saved afterwards, and
 * the other device stayed signed in. Here a session that was loaded (or already written) is saved
 * with an UPDATE only: when its row is gone, nothing is written, the request finishes as it was
 * going to, and the next request finds no session (signed out). A new session (a fresh random id)
 * is inserted, never overwriting a row.
 */
export function saveWithoutResurrecting(store: session.Store, pool: Pool, logger: Logger): void {
  store.set = (sid, sess, done) => {
    const json = JSON.stringify(sess);
    const expire = expirySeconds(sess);
    const existing = inStore.has(sess);
    const text = existing
      ? 'UPDATE "sessions" SET "sess" = $1, "expire" = to_timestamp($2) WHERE "sid" = $3'
      : 'INSERT INTO "sessions" ("sess", "expire", "sid") VALUES ($1, to_timestamp($2), $3) ON CONFLICT ("sid") DO NOTHING';
    pool.query(text, [json, expire, sid]).then(
      (result) => {
        if (existing && result.rowCount === 0)
          logger.info('a session ended while a request of it ran; it stays ended (not saved again)');
        else markStored(sess);
        done?.();
      },
      (error: unknown) => done?.(error),
    );
  };
}
