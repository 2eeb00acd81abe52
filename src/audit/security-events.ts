import type { EntityManager } from 'typeorm';
import { Forbidden, RequestAbandoned, TooManyRequests } from '../web/errors';
import { redactUrl } from '../web/logger';
import { recordAudit } from './audit';

/**
 * Security events in the audit log: sign-ins, failed sign-ins, lockouts and refused (403) requests.
 * They never hold a password, a token or a session id: only who, from where, and what was refused
 * (the address with its secrets redacted).
 */
export const SECURITY_ACTIONS = {
  signedIn: 'security.sign_in',
  signInFailed: 'security.sign_in_failed',
  lockedOut: 'security.locked_out',
  refused: 'security.refused',
} as const;

/** Records a successful sign-in by `user` from `ip`. */
export async function auditSignIn(manager: EntityManager, user: { id: string }, ip: string): Promise<void> {
  await recordAudit(manager, {
    actorId: user.id,
    action: SECURITY_ACTIONS.signedIn,
    subjectType: 'user',
    subjectId: user.id,
    details: { ip },
  });
}

/**
 * Records a refused sign-in: a wrong email or password, or an attempt while the address or account is
 * locked out. The email typed is kept (lower-cased, at most 254 characters) so an admin can see which
 * accounts are being tried; the password never is. Nothing is recorded for an abandoned request.
 */
export async function auditSignInRefused(
  manager: EntityManager,
  email: string,
  ip: string,
  error: unknown,
): Promise<void> {
  if (error instanceof RequestAbandoned) return;
  const lockedOut = error instanceof TooManyRequests;
  await recordAudit(manager, {
    actorId: null,
    action: lockedOut ? SECURITY_ACTIONS.lockedOut : SECURITY_ACTIONS.signInFailed,
    subjectType: 'email',
    subjectId: email.toLowerCase().slice(0, 254),
    details: { ip },
  });
}

/** Records a request refused with 403 (not allowed, or a missing/expired form token). */
export async function auditRefused(
  manager: EntityManager,
  request: { actorId: string | null; method: string; url: string; ip: string; error: unknown },
): Promise<void> {
  await recordAudit(manager, {
    actorId: request.actorId,
    action: SECURITY_ACTIONS.refused,
    subjectType: 'request',
    subjectId: `${request.method} ${redactUrl(request.url).slice(0, 300)}`,
    details: {
      ip: request.ip,
      reason: request.error instanceof Forbidden ? 'not allowed' : 'form token missing or expired',
    },
  });
}
