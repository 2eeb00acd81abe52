import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { recordAudit } from '../audit/audit';
import { queueEmail } from '../mail/outbox';
import { withArticle } from './setup-state';
import { Conflict, Gone, NotFound, ValidationFailed } from '../web/errors';
import { uniqueViolation } from '../web/database-errors';
import { assertAcceptablePassword } from './accounts.service';
import { Chapter } from './chapter.entity';
import { Invite } from './invite.entity';
import { hashPassword } from './passwords';
import { assertAdmin, assertInScope, scopeOf } from './policy';
import type { Role } from './roles';
import type { SessionUser } from './session-user';
import { hashToken, hoursFromNow, newToken } from './tokens';
import { User } from './user.entity';
import { toSessionUser } from './users';

const INVITE_VALID_HOURS = 7 * 24;

export type InviteStatus = 'open' | 'expired' | 'accepted' | 'revoked';

export interface InviteView {
  id: string;
  email: string;
  role: Role;
  chapterName: string | null;
  status: InviteStatus;
  expiresAt: Date;
  createdAt: Date;
}

export function inviteStatus(invite: Invite, now = new Date()): InviteStatus {
  if (invite.acceptedAt) return 'accepted';
  if (invite.revokedAt) return 'revoked';
  return invite.expiresAt <= now ? 'expired' : 'open';
}

const LINK_DEAD =
  'This invite link has expired, was revoked or was already used. Ask your program admin for a new one.';

export interface InviteInput {
  email: string;
  role: Role;
  chapterId: string | null;
  displayName?: string | null;
  cohortId?: string | null;
  coachId?: string | null;
}

/** Admins invite people by email; the invitee picks a name and password through a single-use link. */
export class InvitesService {
  constructor(private readonly baseUrl: string) {}

  private async sendInviteEmail(manager: EntityManager, invite: Invite, token: string, inviter: SessionUser) {
    await queueEmail(manager, {
      to: invite.email,
      subject: `${inviter.displayName} invited you to Organizer Academy`,
      text: `Hello,\n\n${inviter.displayName} invited you to join Organizer Academy as ${withArticle(invite.role)}.\n\nChoose your name and password here (the link works once and expires in 7 days):\n\n${this.baseUrl}/invites/${token}\n`,
    });
  }

  /** Invites an address. Throws Conflict when it already has an account or an open invite. */
  async create(manager: EntityManager, actor: SessionUser | undefined, input: InviteInput): Promise<void> {
    const admin = assertAdmin(actor);
    await this.checkInput(manager, admin, input);
    if (await manager.exists(User, { where: { email: input.email } })) {
      throw new Conflict('That person already has an account.', {
        email: 'Someone with this email already has an account.',
      });
    }
    // An expired, unaccepted invite would block the address; close it so a fresh one can be sent.
    const open = await manager.findOne(Invite, {
      where: { email: input.email, acceptedAt: IsNull(), revokedAt: IsNull() },
    });
    if (open && inviteStatus(open) === 'open') {
      throw new Conflict('There is already an open invite.', {
        email: 'This address already has an open invite; resend or revoke it from the list below.',
      });
    }
    if (open) await manager.update(Invite, open.id, { revokedAt: new Date() });
    const { token, tokenHash } = newToken();
    let invite: Invite;
    try {
      invite = await manager.save(
        manager.create(Invite, {
          ...input,
          tokenHash,
          invitedById: admin.id,
          expiresAt: hoursFromNow(INVITE_VALID_HOURS),
        }),
      );
    } catch (error) {
      if (uniqueViolation(error)) throw new Conflict('There is already an open invite for this address.');
      throw error;
    }
    await this.sendInviteEmail(manager, invite, token, admin);
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'invite.created',
      subjectType: 'invite',
      subjectId: invite.id,
      details: { email: invite.email, role: invite.role, chapterId: invite.chapterId },
    });
  }

  /** Chapter-scoped admins invite only into their chapter, and never admins. */
  async checkInput(manager: EntityManager, admin: SessionUser, input: InviteInput): Promise<void> {
    const scope = scopeOf(admin);
    if (input.chapterId && !(await manager.exists(Chapter, { where: { id: input.chapterId } }))) {
      throw new ValidationFailed({ chapterId: 'That chapter does not exist.' });
    }
    if (scope && input.chapterId !== scope)
      throw new ValidationFailed({ chapterId: 'You can only invite people into your own chapter.' });
    if (scope && input.role === 'admin')
      throw new ValidationFailed({ role: 'Only admins of the whole academy can invite admins.' });
  }

  private async findForAdmin(manager: EntityManager, admin: SessionUser, inviteId: string): Promise<Invite> {
    const invite = await manager.findOne(Invite, {
      where: { id: inviteId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!invite) throw new NotFound('That invite does not exist.');
    assertInScope(admin, invite.chapterId, 'That invite');
    return invite;
  }

  /** Sends a fresh link (the old one stops working) and restarts the 7 days. */
  async resend(manager: EntityManager, actor: SessionUser | undefined, inviteId: string): Promise<string> {
    const admin = assertAdmin(actor);
    const invite = await this.findForAdmin(manager, admin, inviteId);
    if (invite.acceptedAt || invite.revokedAt)
      throw new Conflict(`This invite was ${inviteStatus(invite)}; it cannot be resent.`);
    const { token, tokenHash } = newToken();
    Object.assign(invite, { tokenHash, expiresAt: hoursFromNow(INVITE_VALID_HOURS) });
    await manager.save(invite);
    await this.sendInviteEmail(manager, invite, token, admin);
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'invite.resent',
      subjectType: 'invite',
      subjectId: invite.id,
    });
    return invite.email;
  }

  async revoke(manager: EntityManager, actor: SessionUser | undefined, inviteId: string): Promise<string> {
    const admin = assertAdmin(actor);
    const invite = await this.findForAdmin(manager, admin, inviteId);
    if (invite.acceptedAt)
      throw new Conflict('This invite was already accepted; deactivate the account instead.');
    if (!invite.revokedAt) await manager.update(Invite, invite.id, { revokedAt: new Date() });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'invite.revoked',
      subjectType: 'invite',
      subjectId: invite.id,
    });
    return invite.email;
  }

  async list(manager: EntityManager, actor: SessionUser | undefined): Promise<InviteView[]> {
    const scope = scopeOf(assertAdmin(actor));
    const invites = await manager.find(Invite, {
      where: scope ? { chapterId: scope } : {},
      relations: { chapter: true },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return invites.map((invite) => ({
      id: invite.id,
      email: invite.email,
      role: invite.role,
      chapterName: invite.chapter?.name ?? null,
      status: inviteStatus(invite),
      expiresAt: invite.expiresAt,
      createdAt: invite.createdAt,
    }));
  }

  /** The invite behind a link, for the accept page. Throws Gone when it cannot be used. */
  async findUsable(manager: EntityManager, token: string, lock = false): Promise<Invite> {
    const invite = await manager.findOne(Invite, {
      where: { tokenHash: hashToken(token) },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!invite || inviteStatus(invite) !== 'open') throw new Gone(LINK_DEAD);
    return invite;
  }

  /** Creates the account with the invite's email, role and chapter; the link is used up. */
  async accept(
    manager: EntityManager,
    token: string,
    input: { displayName: string; password: string },
  ): Promise<SessionUser> {
    const invite = await this.findUsable(manager, token, true);
    assertAcceptablePassword(input.password, invite.email);
    if (await manager.exists(User, { where: { email: invite.email } })) {
      throw new Conflict(
        'An account with this email already exists; sign in or reset your password instead.',
      );
    }
    const user = await manager.save(
      manager.create(User, {
        email: invite.email,
        displayName: input.displayName,
        passwordHash: await hashPassword(input.password),
        role: invite.role,
        chapterId: invite.chapterId,
        cohortId: invite.cohortId,
        // Accepting signs the person in: recorded like any sign-in.
        lastLoginAt: new Date(),
      }),
    );
    await manager.update(Invite, invite.id, { acceptedAt: new Date(), userId: user.id });
    if (invite.coachId && invite.role === 'organizer')
      await manager.query(
        `INSERT INTO coach_assignments (organizer_id, coach_id, assigned_by_id)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $2 AND active AND role = 'coach')`,
        [user.id, invite.coachId, invite.invitedById],
      );
    await recordAudit(manager, {
      actorId: user.id,
      action: 'invite.accepted',
      subjectType: 'invite',
      subjectId: invite.id,
      details: { userId: user.id },
    });
    return toSessionUser(user);
  }
}
