import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit';
import { queueEmail } from '../mail/outbox';
import { Conflict, Gone, NotFound, ValidationFailed } from '../web/errors';
import { EmailChange } from './email-change.entity';
import { verifyPassword } from './passwords';
import { assertAdmin, assertInScope, assertSignedIn } from './policy';
import type { SessionUser } from './session-user';
import { hashToken, hoursFromNow, newToken } from './tokens';
import { User } from './user.entity';

const EMAIL_CHANGE_HOURS = 24;
const TAKEN = 'Another account already uses this address.';

export interface EmailChangeInput {
  newEmail: string;
  currentPassword: string;
}

/** Names and addresses: people correct their own, admins correct anyone's in their scope (audited). */
export class ProfileService {
  constructor(private readonly baseUrl: string) {}

  /** Changes the actor's display name. */
  async rename(manager: EntityManager, actor: SessionUser | undefined, displayName: string): Promise<void> {
    const person = assertSignedIn(actor);
    const user = await manager.findOneByOrFail(User, { id: person.id });
    if (user.displayName === displayName) return;
    await manager.update(User, user.id, { displayName });
    await recordAudit(manager, {
      actorId: user.id,
      action: 'user.renamed',
      subjectType: 'user',
      subjectId: user.id,
      details: { displayName: { from: user.displayName, to: displayName } },
    });
  }

  /**
   * Starts an email change: a single-use link (24 hours) goes to the new address and the old address
   * is told. Needs the current password. Throws ValidationFailed or Conflict (address in use).
   */
  async requestEmailChange(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: EmailChangeInput,
  ): Promise<void> {
    const person = assertSignedIn(actor);
    const user = await manager.findOneByOrFail(User, { id: person.id });
    if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
      throw new ValidationFailed({ currentPassword: 'Your current password is not correct.' });
    if (input.newEmail === user.email)
      throw new ValidationFailed({ newEmail: 'That is already your address.' });
    if (await manager.exists(User, { where: { email: input.newEmail } }))
      throw new Conflict(TAKEN, { newEmail: TAKEN });
    const { token, tokenHash } = newToken();
    await manager.insert(EmailChange, {
      userId: user.id,
      newEmail: input.newEmail,
      tokenHash,
      expiresAt: hoursFromNow(EMAIL_CHANGE_HOURS),
    });
    await queueEmail(manager, {
      to: input.newEmail,
      subject: 'Confirm your new Organizer Academy address',
      text: `Hello ${user.displayName},\n\nTo sign in to Organizer Academy with this address from now on, open this link within 24 hours:\n\n${this.baseUrl}/account/email/${token}\n\nIf you did not ask for this, ignore this message; nothing changes.\n`,
    });
    await queueEmail(manager, {
      to: user.email,
      subject: 'Your Organizer Academy address is about to change',
      text: `Hello ${user.displayName},\n\nSomeone signed in as you asked to change your sign-in address to ${input.newEmail}. It changes once the link sent there is opened.\n\nIf this was not you, change your password now: ${this.baseUrl}/account/password\n`,
    });
    await recordAudit(manager, {
      actorId: user.id,
      action: 'user.email_change_requested',
      subjectType: 'user',
      subjectId: user.id,
      details: { to: input.newEmail },
    });
  }

  private async usableChange(manager: EntityManager, token: string, lock: boolean): Promise<EmailChange> {
    const change = await manager.findOne(EmailChange, {
      where: { tokenHash: hashToken(token) },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!change) throw new NotFound('That confirmation link is not valid.');
    if (change.usedAt || change.expiresAt <= new Date())
      throw new Gone(
        'This confirmation link has expired or was already used. Ask for a new one under "Your account".',
      );
    return change;
  }

  /** The address a confirmation link would set; throws NotFound or Gone for unusable links. */
  async pendingAddress(manager: EntityManager, token: string): Promise<string> {
    return (await this.usableChange(manager, token, false)).newEmail;
  }

  /** Opens a confirmation link (once): the account's address becomes the new one, and the old one is told. */
  async confirmEmailChange(manager: EntityManager, token: string): Promise<string> {
    const change = await this.usableChange(manager, token, true);
    const user = await manager.findOneByOrFail(User, { id: change.userId });
    if (await manager.exists(User, { where: { email: change.newEmail } })) throw new Conflict(TAKEN);
    await manager.update(EmailChange, change.id, { usedAt: new Date() });
    await manager.update(User, user.id, { email: change.newEmail });
    await this.tellOldAddress(manager, user, change.newEmail);
    await recordAudit(manager, {
      actorId: user.id,
      action: 'user.email_changed',
      subjectType: 'user',
      subjectId: user.id,
      details: { email: { from: user.email, to: change.newEmail } },
    });
    return change.newEmail;
  }

  /**
   * Admins correct a person's name and address directly (no confirmation); both addresses are told
   * of an address change. Throws Conflict when the address belongs to another account.
   */
  async correct(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
    input: { displayName: string; email: string },
  ): Promise<void> {
    const admin = assertAdmin(actor);
    const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFound('That person does not exist.');
    assertInScope(admin, user.chapterId, 'That person');
    const changes: Record<string, { from: string; to: string }> = {};
    if (input.displayName !== user.displayName)
      changes.displayName = { from: user.displayName, to: input.displayName };
    if (input.email !== user.email) {
      if (await manager.exists(User, { where: { email: input.email } }))
        throw new Conflict(TAKEN, { email: TAKEN });
      changes.email = { from: user.email, to: input.email };
    }
    if (!Object.keys(changes).length) return;
    await manager.update(User, user.id, { displayName: input.displayName, email: input.email });
    if (changes.email) {
      await this.tellOldAddress(manager, user, input.email);
      await queueEmail(manager, {
        to: input.email,
        subject: 'Your Organizer Academy address was changed',
        text: `Hello ${input.displayName},\n\nAn admin set your Organizer Academy sign-in address to this one. Sign in here:\n\n${this.baseUrl}/login\n`,
      });
    }
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'user.corrected',
      subjectType: 'user',
      subjectId: user.id,
      details: changes,
    });
  }

  private async tellOldAddress(manager: EntityManager, user: User, newEmail: string): Promise<void> {
    await queueEmail(manager, {
      to: user.email,
      subject: 'Your Organizer Academy address was changed',
      text: `Hello ${user.displayName},\n\nYour Organizer Academy sign-in address is now ${newEmail}. Messages will go there from now on.\n\nIf you did not expect this, tell an admin of your academy.\n`,
    });
  }
}
