import type { EntityManager } from 'typeorm';
import { IsNull, LessThan } from 'typeorm';
import { recordAudit } from '../audit/audit';
import { mailText, queueEmail } from '../mail/outbox';
import { Conflict, Gone, TooManyRequests, ValidationFailed } from '../web/errors';
import { endLinksOf } from './links';
import type { LoginThrottle } from './login-throttle';
import { PasswordReset, SetupToken } from './one-time-token.entities';
import {
  hashPassword,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
  type PasswordContext,
} from './passwords';
import { endSessionsOf } from './sessions';
import type { SessionUser } from './session-user';
import { hashToken, hoursFromNow, newToken } from './tokens';
import { User } from './user.entity';
import { countActiveAdmins, lockAdminSet, toSessionUser } from './users';

const SETUP_TOKEN_HOURS = 24;
const RESET_TOKEN_HOURS = 1;
const WRONG_CREDENTIALS = 'The email or password is incorrect.';

export interface NewAccountInput {
  email: string;
  displayName: string;
  password: string;
}

/** Throws ValidationFailed on the password field when it breaks the password rules. */
export function assertAcceptablePassword(
  password: string,
  context: PasswordContext,
  field = 'password',
): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new ValidationFailed({ [field]: problem });
}

/** Sign-in, first-admin setup, password reset and change. */
export class AccountsService {
  constructor(
    private readonly throttle: LoginThrottle,
    private readonly baseUrl: string,
  ) {}

  /**
   * Checks credentials, throttled per account+address and per address: the attempt is counted before
   * the password is checked. Throws TooManyRequests while blocked or while another attempt for the
   * account runs, and ValidationFailed (the same message whether or not the account exists) on
   * failure. When `signal` aborts before the password check starts, rejects with RequestAbandoned
   * (the attempt stays counted: nothing about the password was learnt, but a burst cannot dodge it).
   */
  async signIn(
    manager: EntityManager,
    email: string,
    password: string,
    ip: string,
    signal?: AbortSignal,
  ): Promise<SessionUser> {
    const attempt = await this.throttle.begin(email, ip);
    try {
      const user = await manager.findOne(User, { where: { email: email.toLowerCase(), active: true } });
      const valid = user
        ? await verifyPassword(user.passwordHash, password, signal)
        : (await verifyAgainstDummy(password, signal), false);
      if (!user || !valid) throw new ValidationFailed({}, WRONG_CREDENTIALS);
      await attempt.succeeded();
      await manager.update(User, user.id, { lastLoginAt: new Date() });
      return toSessionUser(user);
    } finally {
      await attempt.release();
    }
  }

  async needsSetup(manager: EntityManager): Promise<boolean> {
    return (await countActiveAdmins(manager)) === 0;
  }

  /** While no admin exists, creates a one-time setup token (each process prints its own). */
  async issueSetupToken(manager: EntityManager): Promise<string | undefined> {
    if (!(await this.needsSetup(manager))) return undefined;
    await manager.delete(SetupToken, { expiresAt: LessThan(new Date()) });
    const { token, tokenHash } = newToken();
    await manager.insert(SetupToken, { tokenHash, expiresAt: hoursFromNow(SETUP_TOKEN_HOURS) });
    return token;
  }

  async isSetupTokenValid(manager: EntityManager, token: string): Promise<boolean> {
    const found = await manager.findOne(SetupToken, { where: { tokenHash: hashToken(token) } });
    return Boolean(found && found.expiresAt > new Date() && (await this.needsSetup(manager)));
  }

  /** Creates the first admin. Every setup token dies with it; a second attempt gets Gone. */
  async completeSetup(manager: EntityManager, token: string, input: NewAccountInput): Promise<SessionUser> {
    await lockAdminSet(manager);
    if (!(await this.isSetupTokenValid(manager, token))) {
      throw new Gone('This setup link has expired or was already used. Restart the server to get a new one.');
    }
    assertAcceptablePassword(input.password, { email: input.email, name: input.displayName });
    if (await manager.exists(User, { where: { email: input.email } })) {
      throw new Conflict('An account with this email already exists.', {
        email: 'An account with this email already exists.',
      });
    }
    const user = await manager.save(
      manager.create(User, {
        email: input.email,
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        role: 'admin',
        chapterId: null,
      }),
    );
    await manager.createQueryBuilder().delete().from(SetupToken).execute();
    await recordAudit(manager, {
      actorId: user.id,
      action: 'account.setup_admin',
      subjectType: 'user',
      subjectId: user.id,
    });
    return toSessionUser(user);
  }

  /**
   * Counts a reset request from `ip` before anything else happens. Throws TooManyRequests over the
   * per-address limit (the same answer for every email address).
   */
  async countResetRequest(ip: string): Promise<void> {
    await this.throttle.resetRequestsByIp.consume(ip);
  }

  /**
   * Takes one of the per-account reset emails (call outside a transaction, after answering). False
   * over the limit: then nothing is sent, and nobody is told, as the answer was already given.
   */
  async takeResetEmail(email: string): Promise<boolean> {
    try {
      await this.throttle.resetRequestsByAccount.consume(email.toLowerCase());
      return true;
    } catch (error) {
      if (error instanceof TooManyRequests) return false;
      throw error;
    }
  }

  /**
   * Emails a reset link when an active account has this address; the caller answers the same either
   * way (before calling this). The new link replaces every older one of that person.
   */
  async requestPasswordReset(manager: EntityManager, email: string): Promise<void> {
    const user = await manager.findOne(User, {
      where: { email: email.toLowerCase(), active: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) return;
    const { token, tokenHash } = newToken();
    await manager.update(PasswordReset, { userId: user.id, usedAt: IsNull() }, { usedAt: new Date() });
    await manager.insert(PasswordReset, {
      userId: user.id,
      tokenHash,
      expiresAt: hoursFromNow(RESET_TOKEN_HOURS),
    });
    await queueEmail(manager, {
      to: user.email,
      subject: 'Reset your Organizer Academy password',
      text: mailText`Hello ${user.displayName},\n\nSomeone asked to reset the password of your Organizer Academy account. If it was you, open this link within an hour:\n\n${this.baseUrl}/password/reset/${token}\n\nIf it was not you, ignore this message; your password stays the same.\n`,
    });
  }

  private async usableReset(manager: EntityManager, token: string, lock: boolean): Promise<PasswordReset> {
    const reset = await manager.findOne(PasswordReset, {
      where: { tokenHash: hashToken(token) },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!reset || reset.usedAt || reset.expiresAt <= new Date()) {
      throw new Gone('This password reset link has expired or was already used. Ask for a new one.');
    }
    return reset;
  }

  /** Throws Gone unless the reset link can still be used. */
  async assertResetTokenUsable(manager: EntityManager, token: string): Promise<void> {
    await this.usableReset(manager, token, false);
  }

  /**
   * Sets a new password from a reset link; every reset link, calendar link and session of that
   * person ends.
   */
  async resetPassword(manager: EntityManager, token: string, password: string): Promise<void> {
    const reset = await this.usableReset(manager, token, true);
    const user = await manager.findOneOrFail(User, { where: { id: reset.userId } });
    assertAcceptablePassword(password, { email: user.email, name: user.displayName });
    await manager.update(User, user.id, { passwordHash: await hashPassword(password) });
    await endLinksOf(manager, user.id);
    await endSessionsOf(manager, user.id);
    await recordAudit(manager, {
      actorId: null,
      action: 'account.password_reset',
      subjectType: 'user',
      subjectId: user.id,
    });
  }

  /** Ends every session of the actor except `currentSessionId` ("sign out other devices"), audited. */
  async signOutOtherDevices(
    manager: EntityManager,
    actor: SessionUser,
    currentSessionId: string,
  ): Promise<void> {
    await endSessionsOf(manager, actor.id, currentSessionId);
    await recordAudit(manager, {
      actorId: actor.id,
      action: 'account.signed_out_elsewhere',
      subjectType: 'user',
      subjectId: actor.id,
    });
  }

  /**
   * Runs a current-password check (`work`, e.g. a transaction calling changePassword) as one counted
   * attempt, taken before the work and outside any transaction. Throws TooManyRequests over the
   * limit or while another check of this person runs; a success starts the count over.
   */
  async limitPasswordChecks<T>(actor: SessionUser, work: () => Promise<T>): Promise<T> {
    const attempt = await this.throttle.passwordChecks.take(actor.id);
    try {
      const result = await work();
      await attempt.succeeded();
      return result;
    } catch (error) {
      // The work checks the current password first: a refusal of anything else (a weak new
      // password, an address in use) means the password was right.
      if ((error instanceof ValidationFailed || error instanceof Conflict) && !wrongCurrentPassword(error))
        await attempt.succeeded();
      throw error;
    } finally {
      await attempt.release();
    }
  }

  /**
   * Changes the actor's password after checking the current one (call it inside
   * limitPasswordChecks); their other sessions, reset links and calendar link end.
   */
  async changePassword(
    manager: EntityManager,
    actor: SessionUser,
    input: { currentPassword: string; newPassword: string },
    currentSessionId: string,
  ): Promise<void> {
    const user = await manager.findOneOrFail(User, { where: { id: actor.id } });
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new ValidationFailed({ currentPassword: 'That is not your current password.' });
    }
    assertAcceptablePassword(input.newPassword, { email: user.email, name: user.displayName }, 'newPassword');
    await manager.update(User, user.id, { passwordHash: await hashPassword(input.newPassword) });
    await endLinksOf(manager, user.id);
    await endSessionsOf(manager, user.id, currentSessionId);
    await recordAudit(manager, {
      actorId: user.id,
      action: 'account.password_changed',
      subjectType: 'user',
      subjectId: user.id,
    });
  }
}

function wrongCurrentPassword(error: ValidationFailed | Conflict): boolean {
  return 'currentPassword' in (error.fieldErrors ?? {});
}
