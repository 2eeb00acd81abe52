import type { RequestHandler } from 'express';
import { assertRole, assertSignedIn } from '../accounts/policy';
import type { Role } from '../accounts/roles';

/** Route guard: anonymous visitors are sent to sign in. Services still check access themselves. */
export const requireSignedIn: RequestHandler = (req, _res, next) => {
  assertSignedIn(req.user);
  next();
};

/** Route guard for role-only areas such as /admin. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    assertRole(req.user, ...roles);
    next();
  };
}
