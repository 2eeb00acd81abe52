import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { assertAdmin, assertInScope, assertRole, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { notify } from '../notifications/notify';
import { mailText } from '../mail/outbox';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { CoachAssignment, CoachRequest } from './coaching.entities';
import { coachPage, type CoachPage, type PagePosition } from './coach-ranking';
import { requestPage, type RequestPage } from './request-page';

/** Coach assignment: one active coach per organizer (a partial unique index), history kept. */
export class AssignmentsService {
  constructor(private readonly baseUrl: string) {}

  /**
   * One page of coaches ranked for an organizer (same chapter, then remaining capacity, then fewest
   * reviews waiting, then name), from the kept coach loads. Throws NotFound or Forbidden.
   */
  async rankCoaches(
    manager: EntityManager,
    actor: SessionUser | undefined,
    organizerId: string,
    position: PagePosition = {},
  ): Promise<CoachPage> {
    const admin = assertAdmin(actor);
    const organizer = await this.findOrganizer(manager, organizerId);
    assertInScope(admin, organizer.chapterId, 'That organizer');
    return coachPage(manager, organizer, position);
  }

  private async findOrganizer(manager: EntityManager, organizerId: string): Promise<User> {
    const organizer = await manager.findOne(User, { where: { id: organizerId, role: 'organizer' } });
    if (!organizer) throw new NotFound('That organizer does not exist.');
    return organizer;
  }

  async currentAssignment(
    manager: EntityManager,
    organizerId: string,
  ): Promise<(CoachAssignment & { coach: User }) | null> {
    return (await manager.findOne(CoachAssignment, {
      where: { organizerId, endedAt: IsNull() },
      relations: { coach: true },
    })) as (CoachAssignment & { coach: User }) | null;
  }

  async history(manager: EntityManager, organizerId: string): Promise<CoachAssignment[]> {
    return manager.find(CoachAssignment, {
      where: { organizerId },
      relations: { coach: true },
      order: { startedAt: 'DESC' },
    });
  }

  /**
   * Assigns `coachId` to an organizer, ending the current assignment (a reason is required then).
   * Past the coach's capacity only with `overrideCapacity`. Throws ValidationFailed or Conflict.
   */
  async assign(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: { organizerId: string; coachId: string; reason: string; overrideCapacity: boolean },
  ): Promise<void> {
    const admin = assertAdmin(actor);
    const organizer = await this.findOrganizer(manager, input.organizerId);
    assertInScope(admin, organizer.chapterId, 'That organizer');
    // Lock the coach row: concurrent assignments to one coach are counted one after the other.
    const coach = await manager.findOne(User, {
      where: { id: input.coachId, role: 'coach', active: true },
      lock: { mode: 'pessimistic_write' },
    });
    if (!coach) throw new ValidationFailed({ coachId: 'Choose an active coach.' });
    const current = await manager.findOne(CoachAssignment, {
      where: { organizerId: organizer.id, endedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
    if (current?.coachId === coach.id)
      throw new Conflict(`${coach.displayName} already coaches ${organizer.displayName}.`);
    if (current && !input.reason) {
      throw new ValidationFailed({
        reason: 'Say why the current coach is being replaced; it is kept in the history.',
      });
    }
    const active = await manager.count(CoachAssignment, { where: { coachId: coach.id, endedAt: IsNull() } });
    const full = active >= coach.coachCapacity;
    if (full && !input.overrideCapacity) {
      throw new Conflict(`${coach.displayName} is at capacity (${active} of ${coach.coachCapacity}).`, {
        overrideCapacity: `${coach.displayName} is at capacity (${active} of ${coach.coachCapacity}). Tick “assign anyway” to go past it.`,
      });
    }
    if (current)
      await manager.update(CoachAssignment, current.id, { endedAt: new Date(), endReason: input.reason });
    try {
      await manager.save(
        manager.create(CoachAssignment, {
          organizerId: organizer.id,
          coachId: coach.id,
          assignedById: admin.id,
          overCapacity: full,
        }),
      );
    } catch (error) {
      if (uniqueViolation(error))
        throw new Conflict('Someone else assigned a coach at the same moment; reload and try again.');
      throw error;
    }
    await manager.update(
      CoachRequest,
      { organizerId: organizer.id, resolvedAt: IsNull() },
      { resolvedAt: new Date() },
    );
    await recordAudit(manager, {
      actorId: admin.id,
      action: current ? 'coaching.reassigned' : 'coaching.assigned',
      subjectType: 'user',
      subjectId: organizer.id,
      details: {
        coachId: coach.id,
        previousCoachId: current?.coachId ?? null,
        reason: input.reason || null,
        overCapacity: full,
      },
    });
    const link = `${this.baseUrl}/coach/organizers/${organizer.id}`;
    await notify(manager, this.baseUrl, {
      to: coach,
      kind: 'coaching',
      title: `You are now coaching ${organizer.displayName}`,
      body: `You are now the coach of ${organizer.displayName}. Their progress and evidence so far are on their page.`,
      link: `/coach/organizers/${organizer.id}`,
      emailText: mailText`Hello ${coach.displayName},\n\nYou are now the coach of ${organizer.displayName}. Their progress and evidence so far:\n\n${link}\n`,
    });
    await notify(manager, this.baseUrl, {
      to: organizer,
      kind: 'coaching',
      title: `${coach.displayName} is your coach`,
      body: `${coach.displayName} (${coach.email}) is now your coach in Organizer Academy.`,
      link: '/me',
      emailText: mailText`Hello ${organizer.displayName},\n\n${coach.displayName} (${coach.email}) is now your coach in Organizer Academy. Your progress:\n\n${this.baseUrl}/me\n`,
    });
  }

  /** An organizer without a coach asks for one; admins see it in their queue. */
  async requestCoach(manager: EntityManager, actor: SessionUser | undefined, message: string): Promise<void> {
    const organizer = assertRole(actor, 'organizer');
    if (await this.currentAssignment(manager, organizer.id)) throw new Conflict('You already have a coach.');
    try {
      const request = await manager.save(
        manager.create(CoachRequest, { organizerId: organizer.id, message }),
      );
      await recordAudit(manager, {
        actorId: organizer.id,
        action: 'coaching.requested',
        subjectType: 'user',
        subjectId: organizer.id,
        details: { requestId: request.id },
      });
    } catch (error) {
      if (uniqueViolation(error))
        throw new Conflict('You have already asked for a coach; an admin will assign one soon.');
      throw error;
    }
  }

  async openRequest(manager: EntityManager, organizerId: string): Promise<CoachRequest | null> {
    return manager.findOne(CoachRequest, { where: { organizerId, resolvedAt: IsNull() } });
  }

  /**
   * A page of open coach requests within the admin's scope, oldest first, by keyset on (asked at,
   * id): `after` / `before` come from the page's own links; stable while new requests arrive.
   */
  async openRequests(
    manager: EntityManager,
    actor: SessionUser | undefined,
    position: PagePosition = {},
  ): Promise<RequestPage> {
    return requestPage(manager, scopeOf(assertAdmin(actor)), position);
  }
}
