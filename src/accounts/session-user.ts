import type { Role } from './roles';

/** What a request knows about the signed-in person: loaded fresh from the database on every request. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  chapterId: string | null;
  /** Admins limited to one chapter; null for everyone else (and for academy-wide admins). */
  scopeChapterId: string | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

declare module 'express-session' {
  interface SessionData {
    /** When the person signed in (ms); the absolute session lifetime counts from here. */
    signedInAt?: number;
    /** When the session cookie was last re-issued with a later expiry (ms); see web/session.ts. */
    renewedAt?: number;
    flash?: { kind: 'success' | 'error'; text: string }[];
  }
}
