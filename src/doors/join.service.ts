import type { EntityManager } from 'typeorm';
import { IsNull, Not } from 'typeorm';
import { Invite } from '../accounts/invite.entity';
import type { InvitesService } from '../accounts/invites.service';
import { assertAdmin, assertInScope, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { hashToken, hoursFromNow, newToken } from '../accounts/tokens';
import { recordAudit } from '../audit/audit';
import { mailText, queueEmail } from '../mail/outbox';
import { notify } from '../notifications/notify';
import { Conflict, Gone, NotFound } from '../web/errors';
import { JoinRequest, type Intent } from './door.entities';
import { placeName } from './places';
import { answerersOf, nearestChapter } from './routing';

/** How long a confirmation link works. */
export const CONFIRM_VALID_HOURS = 48;
const LINK_DEAD =
  'This confirmation link has expired or was already used. If you have not heard from us, please send the form again.';

export const INTENT_LABELS: Readonly<Record<Intent, string>> = {
  join: 'Join a chapter',
  start: 'Start a chapter',
  help: 'Help out',
};

const INTENT_VERBS: Readonly<Record<Intent, string>> = {
  join: 'join a chapter',
  start: 'start a chapter',
  help: 'help out',
};

export interface JoinInput {
  name: string;
  email: string;
  countryCode: string;
  stateCode: string | null;
  region: string;
  intent: Intent;
  note: string;
}

export type JoinStatus = 'new' | 'invited' | 'member' | 'replied' | 'closed';

export interface JoinRequestView {
  id: string;
  name: string;
  email: string;
  place: string;
  intent: string;
  note: string;
  chapterName: string | null;
  status: JoinStatus;
  confirmedAt: Date;
}

function statusOf(request: JoinRequest): JoinStatus {
  if (request.userId) return 'member';
  if (request.closedAt) return 'closed';
  if (request.inviteId) return 'invited';
  return request.repliedAt ? 'replied' : 'new';
}

function view(request: JoinRequest): JoinRequestView {
  return {
    id: request.id,
    name: request.name,
    email: request.email,
    place: placeName(request),
    intent: INTENT_LABELS[request.intent],
    note: request.note,
    chapterName: request.chapter?.name ?? null,
    status: statusOf(request),
    confirmedAt: request.confirmedAt!,
  };
}

/** "Join or start a group": stored unconfirmed, routed to the nearest chapter once confirmed. */
export class JoinService {
  constructor(
    private readonly baseUrl: string,
    private readonly invites: InvitesService,
  ) {}

  /** Stores an unconfirmed request and emails its confirmation link. Call after the limits are consumed. */
  async submit(manager: EntityManager, input: JoinInput): Promise<void> {
    const { token, tokenHash } = newToken();
    await manager.insert(JoinRequest, {
      ...input,
      confirmTokenHash: tokenHash,
      confirmExpiresAt: hoursFromNow(CONFIRM_VALID_HOURS),
    });
    await queueEmail(manager, {
      to: input.email,
      subject: 'Please confirm your request to Organizer Academy',
      text: mailText`Hello ${input.name},\n\nThank you for writing to Organizer Academy. Please confirm your request with this link (it works for ${CONFIRM_VALID_HOURS} hours):\n\n${this.baseUrl}/join/confirm/${token}\n\nNobody sees your request until you confirm it. If you did not write to us, ignore this email and nothing happens.\n`,
    });
  }

  private async usable(manager: EntityManager, token: string, lock: boolean): Promise<JoinRequest> {
    const request = await manager.findOne(JoinRequest, {
      where: { confirmTokenHash: hashToken(token) },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!request || request.confirmExpiresAt <= new Date()) throw new Gone(LINK_DEAD);
    return request;
  }

  /** The name on a confirmation link, for its page. Throws Gone when the link cannot be used. */
  async pending(manager: EntityManager, token: string): Promise<{ name: string }> {
    return { name: (await this.usable(manager, token, false)).name };
  }

  /**
   * Confirms a request (the link is used up), routes it to the nearest chapter, tells that
   * chapter's admins (kind `requests`) and emails the person what happens next. Throws Gone.
   */
  async confirm(manager: EntityManager, token: string): Promise<{ chapterName: string | null }> {
    const request = await this.usable(manager, token, true);
    const chapter = await nearestChapter(manager, request);
    await manager.update(JoinRequest, request.id, {
      confirmedAt: new Date(),
      confirmTokenHash: null,
      chapterId: chapter?.id ?? null,
    });
    const where = chapter ? `${chapter.name}` : 'the academy';
    for (const admin of await answerersOf(manager, chapter?.id ?? null))
      await notify(manager, this.baseUrl, {
        to: admin,
        kind: 'requests',
        title: `${request.name} would like to ${INTENT_VERBS[request.intent]}`,
        body: `A confirmed request from ${placeName(request)} for ${where}. Invite them or reply.`,
        link: `/admin/requests/${request.id}`,
      });
    await queueEmail(manager, {
      to: request.email,
      subject: 'Your request to Organizer Academy is confirmed',
      text: mailText`Hello ${request.name},\n\nThank you for confirming. Your request went to the admins of ${chapter ? chapter.name : 'Organizer Academy'}. They usually answer within a week: with an invitation to create your account, or with an email to talk it over.\n`,
    });
    await recordAudit(manager, {
      actorId: null,
      action: 'join_request.confirmed',
      subjectType: 'join_request',
      subjectId: request.id,
      details: { chapterId: chapter?.id ?? null },
    });
    return { chapterName: chapter?.name ?? null };
  }

  private async inScope(manager: EntityManager, admin: SessionUser, id: string): Promise<JoinRequest> {
    const request = await manager.findOne(JoinRequest, {
      where: { id, confirmedAt: Not(IsNull()) },
      relations: { chapter: true },
    });
    if (!request) throw new NotFound('That request does not exist.');
    assertInScope(admin, request.chapterId, 'That request');
    return request;
  }

  /** Confirmed requests the admin answers (their chapter's, or all for academy admins), newest first. */
  async list(manager: EntityManager, actor: SessionUser | undefined): Promise<JoinRequestView[]> {
    const scope = scopeOf(assertAdmin(actor));
    const requests = await manager.find(JoinRequest, {
      where: { confirmedAt: Not(IsNull()), ...(scope ? { chapterId: scope } : {}) },
      relations: { chapter: true },
      order: { confirmedAt: 'DESC' },
      take: 200,
    });
    return requests.map(view);
  }

  /** One confirmed request in the admin's scope; NotFound otherwise (unconfirmed ones too). */
  async get(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<JoinRequestView> {
    return view(await this.inScope(manager, assertAdmin(actor), id));
  }

  /** Sends the existing invitation (organizer, the request's chapter) and links it. Throws Conflict. */
  async invite(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<string> {
    const admin = assertAdmin(actor);
    const request = await this.inScope(manager, admin, id);
    if (request.inviteId || request.closedAt)
      throw new Conflict('This request was already invited or closed.');
    await this.invites.create(manager, admin, {
      email: request.email,
      role: 'organizer',
      chapterId: request.chapterId,
      displayName: request.name,
    });
    const invite = await manager.findOneByOrFail(Invite, {
      email: request.email,
      acceptedAt: IsNull(),
      revokedAt: IsNull(),
    });
    await manager.update(JoinRequest, request.id, { inviteId: invite.id });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'join_request.invited',
      subjectType: 'join_request',
      subjectId: request.id,
      details: { inviteId: invite.id },
    });
    return request.email;
  }

  /** Emails the person the admin's answer (through the outbox), from the academy. */
  async reply(manager: EntityManager, actor: SessionUser | undefined, id: string, message: string) {
    const admin = assertAdmin(actor);
    const request = await this.inScope(manager, admin, id);
    await queueEmail(manager, {
      to: request.email,
      subject: mailText`${admin.displayName} answered your request to Organizer Academy`,
      text: `${mailText`Hello ${request.name},\n\n${admin.displayName} of ${request.chapter?.name ?? 'Organizer Academy'} wrote:\n\n`}${message}\n\n${mailText`To answer, write to ${admin.email}.\n`}`,
    });
    await manager.update(JoinRequest, request.id, { repliedAt: new Date() });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'join_request.replied',
      subjectType: 'join_request',
      subjectId: request.id,
      details: { message },
    });
  }

  /** Closes a request (no invitation); it stays counted in the reports. */
  async close(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<void> {
    const admin = assertAdmin(actor);
    const request = await this.inScope(manager, admin, id);
    if (request.closedAt) return;
    await manager.update(JoinRequest, request.id, { closedAt: new Date() });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'join_request.closed',
      subjectType: 'join_request',
      subjectId: request.id,
    });
  }
}
