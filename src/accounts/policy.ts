import { Forbidden, NotSignedIn } from '../web/errors';
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
