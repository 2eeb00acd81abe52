import { Forbidden, NotFound, NotSignedIn } from '../web/errors';
import type { Role } from './roles';
import type { SessionUser } from './session-user';

/** Throws unless someone is signed in; returns them typed as present. */
export function assertSignedIn(actor: SessionUser | undefined): SessionUser {
  if (!actor) throw new NotSignedIn();
  return actor;
}

/** Throws unless the actor holds one of `roles`. */
export function assertRole(actor: SessionUser | undefined, ...roles: Role[]): SessionUser {
  const signedIn = assertSignedIn(actor);
  if (!roles.includes(signedIn.role)) throw new Forbidden();
  return signedIn;
}

export const assertAdmin = (actor: SessionUser | undefined): SessionUser => assertRole(actor, 'admin');

/** The chapter an admin is limited to; null for admins of the whole academy (and non-admins). */
export function scopeOf(actor: SessionUser): string | null {
  return actor.role === 'admin' ? (actor.scopeChapterId ?? null) : null;
}

/** Throws unless the actor is an admin of the whole academy (chapter-scoped admins are refused). */
export function assertAcademyAdmin(actor: SessionUser | undefined): SessionUser {
  const admin = assertAdmin(actor);
  if (scopeOf(admin))
    throw new Forbidden(
      'Only admins of the whole academy can do this; your account is limited to one chapter.',
    );
  return admin;
}

/**
 * For chapter-scoped admins, a record must belong to their chapter. Records of other chapters are
 * reported as not found, so a scoped admin cannot even learn that they exist.
 */
export function assertInScope(
  actor: SessionUser,
  chapterId: string | null | undefined,
  what = 'That record',
): void {
  const scope = scopeOf(actor);
  if (scope && chapterId !== scope) throw new NotFound(`${what} does not exist.`);
}

/**
 * Throws Forbidden when the actor is the subject: nobody reviews, signs off, certifies or marks
 * attendance for themselves, whatever their role.
 */
export function assertNotSubject(
  actor: SessionUser,
  subjectId: string | null | undefined,
  message: string,
): void {
  if (subjectId && actor.id === subjectId) throw new Forbidden(message);
}
