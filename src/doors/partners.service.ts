import type { EntityManager } from 'typeorm';
import { IsNull, Not } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { assertAdmin, assertInScope, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { hashToken, hoursFromNow, newToken } from '../accounts/tokens';
import { recordAudit } from '../audit/audit';
import { mailText, queueEmail } from '../mail/outbox';
import { notify } from '../notifications/notify';
import { Conflict, Gone, NotFound, ValidationFailed } from '../web/errors';
import {
  NEXT_STATUSES,
  PartnerRequest,
  PartnerRequestTransition,
  type PartnerKind,
  type PartnerStatus,
} from './door.entities';
import { CONFIRM_VALID_HOURS } from './join.service';
import { answerersOf, nearestChapter } from './routing';

export const STATUS_LABELS: Readonly<Record<PartnerStatus, string>> = {
  new: 'New',
  talking: 'Talking',
  project_started: 'Project started',
  declined: 'Declined',
  done: 'Done',
};

const LINK_DEAD =
  'This confirmation link has expired or was already used. If you have not heard from us, please send the form again.';
const STATUS_LINK_DEAD =
  'This status link no longer works. The chapter may have sent you a new one; otherwise, write to them.';

export interface PartnerInput {
  organisation: string;
  contactName: string;
  contactEmail: string;
  kind: PartnerKind;
  need: string;
  deadline: string | null;
  chapterId: string | null;
  nearState: string | null;
}

export interface Move {
  to: PartnerStatus;
  noteForPartner: string;
  internalNote: string;
}

/** Partner requests: confirmed by email, routed to a chapter, moved through their statuses. */
export class PartnersService {
  constructor(private readonly baseUrl: string) {}

  /** Stores an unconfirmed request and emails its confirmation link. Call after the limits are consumed. */
  async submit(manager: EntityManager, input: PartnerInput): Promise<void> {
    if (input.chapterId && !(await manager.existsBy(Chapter, { id: input.chapterId })))
      throw new ValidationFailed({ chapterId: 'Choose one of the chapters in the list.' });
    const { token, tokenHash } = newToken();
    await manager.insert(PartnerRequest, {
      ...input,
      confirmTokenHash: tokenHash,
      confirmExpiresAt: hoursFromNow(CONFIRM_VALID_HOURS),
    });
    await queueEmail(manager, {
      to: input.contactEmail,
      subject: 'Please confirm your request to Organizer Academy',
      text: mailText`Hello ${input.contactName},\n\nThank you for bringing ${input.organisation}'s request to Organizer Academy. Please confirm it with this link (it works for ${CONFIRM_VALID_HOURS} hours):\n\n${this.baseUrl}/partners/confirm/${token}\n\nNobody sees your request until you confirm it. If you did not write to us, ignore this email and nothing happens.\n`,
    });
  }

  private async usable(manager: EntityManager, token: string, lock: boolean): Promise<PartnerRequest> {
    const request = await manager.findOne(PartnerRequest, {
      where: { confirmTokenHash: hashToken(token) },
      lock: lock ? { mode: 'pessimistic_write' } : undefined,
    });
    if (!request || request.confirmExpiresAt <= new Date()) throw new Gone(LINK_DEAD);
    return request;
  }

  /** The organisation on a confirmation link, for its page. Throws Gone. */
  async pending(manager: EntityManager, token: string): Promise<{ organisation: string }> {
    return { organisation: (await this.usable(manager, token, false)).organisation };
  }

  private statusEmail(request: PartnerRequest, token: string, intro: string) {
    return {
      to: request.contactEmail,
      subject: mailText`Your request to Organizer Academy: ${STATUS_LABELS[request.status]}`,
      text: `${intro}\n${mailText`Follow your request here (a private link: keep it to yourself):\n\n${this.baseUrl}/partners/status/${token}\n`}`,
    };
  }

  /**
   * Confirms a request: routes it (the chosen chapter, or the nearest to the state), issues the
   * private status link, tells the chapter's admins (kind `requests`) and emails the partner.
   * Returns the status token to show once. Throws Gone.
   */
  async confirm(
    manager: EntityManager,
    token: string,
  ): Promise<{ statusToken: string; chapterName: string | null }> {
    const request = await this.usable(manager, token, true);
    const chapter = request.chapterId
      ? await manager.findOneBy(Chapter, { id: request.chapterId })
      : await nearestChapter(manager, { countryCode: 'US', stateCode: request.nearState });
    const status = newToken();
    Object.assign(request, {
      confirmedAt: new Date(),
      confirmTokenHash: null,
      chapterId: chapter?.id ?? null,
      statusTokenHash: status.tokenHash,
    });
    await manager.save(request);
    for (const admin of await answerersOf(manager, request.chapterId))
      await notify(manager, this.baseUrl, {
        to: admin,
        kind: 'requests',
        title: `${request.organisation} brought a request`,
        body: `A confirmed partner request for ${chapter?.name ?? 'the academy'}.`,
        link: `/admin/partner-requests/${request.id}`,
      });
    await queueEmail(
      manager,
      this.statusEmail(
        request,
        status.token,
        mailText`Hello ${request.contactName},\n\nThank you for confirming. Your request went to the admins of ${chapter?.name ?? 'Organizer Academy'}; you will get an email each time its status changes.\n`,
      ),
    );
    await recordAudit(manager, {
      actorId: null,
      action: 'partner_request.confirmed',
      subjectType: 'partner_request',
      subjectId: request.id,
      details: { chapterId: request.chapterId },
    });
    return { statusToken: status.token, chapterName: chapter?.name ?? null };
  }

  /** The request behind a private status link, with the notes meant for the partner. Throws Gone. */
  async byStatusToken(manager: EntityManager, token: string) {
    const request = await manager.findOne(PartnerRequest, {
      where: { statusTokenHash: hashToken(token), confirmedAt: Not(IsNull()) },
      relations: { chapter: true },
    });
    if (!request) throw new Gone(STATUS_LINK_DEAD);
    const notes = await manager.find(PartnerRequestTransition, {
      where: { requestId: request.id },
      order: { createdAt: 'ASC' },
    });
    return {
      request,
      history: notes.map((n) => ({
        at: n.createdAt,
        status: STATUS_LABELS[n.toStatus],
        note: n.noteForPartner,
      })),
    };
  }

  /** A confirmed request in the admin's scope (locked for a change when asked); NotFound otherwise. */
  async inScope(manager: EntityManager, actor: SessionUser | undefined, id: string, lock = false) {
    const admin = assertAdmin(actor);
    const request = await manager.findOne(PartnerRequest, {
      where: { id, confirmedAt: Not(IsNull()) },
      lock: lock ? { mode: 'pessimistic_write', tables: ['partner_requests'] } : undefined,
    });
    if (!request) throw new NotFound('That request does not exist.');
    assertInScope(admin, request.chapterId, 'That request');
    if (!lock)
      request.chapter = request.chapterId
        ? await manager.findOneBy(Chapter, { id: request.chapterId })
        : null;
    return { admin, request };
  }

  /** Confirmed requests in the admin's scope, newest first. */
  async list(manager: EntityManager, actor: SessionUser | undefined): Promise<PartnerRequest[]> {
    const scope = scopeOf(assertAdmin(actor));
    return manager.find(PartnerRequest, {
      where: { confirmedAt: Not(IsNull()), ...(scope ? { chapterId: scope } : {}) },
      relations: { chapter: true },
      order: { confirmedAt: 'DESC' },
      take: 200,
    });
  }

  /** The history of a request for its admins (internal notes included). */
  async history(manager: EntityManager, requestId: string) {
    return manager.find(PartnerRequestTransition, {
      where: { requestId },
      relations: { actor: true },
      order: { createdAt: 'ASC' },
    });
  }

  /**
   * Moves a request to `to` (or adds notes when `to` is its status), records the transition and an
   * audit row, and emails the partner. Throws Conflict for a move the status does not allow.
   */
  async move(manager: EntityManager, actor: SessionUser | undefined, id: string, move: Move): Promise<void> {
    const { admin, request } = await this.inScope(manager, actor, id, true);
    const from = request.status;
    if (from !== move.to && !NEXT_STATUSES[from].includes(move.to))
      throw new Conflict(
        `A request that is ${STATUS_LABELS[from].toLowerCase()} cannot become ${STATUS_LABELS[move.to].toLowerCase()}.`,
        {
          to: `From ${STATUS_LABELS[from].toLowerCase()} it can become: ${NEXT_STATUSES[from].map((s) => STATUS_LABELS[s].toLowerCase()).join(', ') || 'nothing (it is closed); add a note instead'}.`,
        },
      );
    if (from === move.to && !move.noteForPartner && !move.internalNote)
      throw new ValidationFailed({ to: 'Choose a new status or write a note.' });
    await manager.insert(PartnerRequestTransition, {
      requestId: id,
      fromStatus: from,
      toStatus: move.to,
      noteForPartner: move.noteForPartner,
      internalNote: move.internalNote,
      actorId: admin.id,
    });
    await manager.update(PartnerRequest, id, { status: move.to });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'partner_request.moved',
      subjectType: 'partner_request',
      subjectId: id,
      details: { from, to: move.to },
    });
    if (from === move.to && !move.noteForPartner) return;
    request.status = move.to;
    await queueEmail(manager, {
      to: request.contactEmail,
      subject: mailText`Your request to Organizer Academy: ${STATUS_LABELS[move.to]}`,
      text: `${mailText`Hello ${request.contactName},\n\nYour request is now: ${STATUS_LABELS[move.to]}.\n`}${move.noteForPartner ? `\n${move.noteForPartner}\n` : ''}\nYour private status link (sent when you confirmed) shows the whole history.\n`,
    });
  }

  /** Issues a new private status link (the old one stops working) and emails it to the partner. */
  async newStatusLink(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<string> {
    const { admin, request } = await this.inScope(manager, actor, id, true);
    const status = newToken();
    await manager.update(PartnerRequest, id, { statusTokenHash: status.tokenHash });
    await queueEmail(
      manager,
      this.statusEmail(
        request,
        status.token,
        mailText`Hello ${request.contactName},\n\nHere is a new private link to follow your request; the old one no longer works.\n`,
      ),
    );
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'partner_request.status_link_renewed',
      subjectType: 'partner_request',
      subjectId: id,
    });
    return request.contactEmail;
  }

  /** Ends the private status link at once (a leaked link, say); a new one can be issued later. */
  async revokeStatusLink(manager: EntityManager, actor: SessionUser | undefined, id: string): Promise<void> {
    const { admin } = await this.inScope(manager, actor, id, true);
    await manager.update(PartnerRequest, id, { statusTokenHash: null });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'partner_request.status_link_revoked',
      subjectType: 'partner_request',
      subjectId: id,
    });
  }
}
