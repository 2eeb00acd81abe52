import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { assertAdmin, assertInScope, assertRole, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { notify } from '../notifications/notify';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { CoachAssignment, CoachRequest } from './coaching.entities';

export interface CoachOption {
  id: string;
  displayName: string;
  chapterName: string | null;
  sameChapter: boolean;
  active: number;
  capacity: number;
  remaining: number;
  reviewsWaiting: number;
  explanation: string;
}

/** Coach assignment: one active coach per organizer (a partial unique index), history kept. */
export class AssignmentsService {
  constructor(private readonly baseUrl: string) {}

  /** Coaches ranked for an organizer: same chapter, then remaining capacity, then fewest reviews waiting. */
  async rankCoaches(
    manager: EntityManager,
    actor: SessionUser | undefined,
    organizerId: string,
  ): Promise<CoachOption[]> {
    const admin = assertAdmin(actor);
    const organizer = await this.findOrganizer(manager, organizerId);
    assertInScope(admin, organizer.chapterId, 'That organizer');
    const rows = await manager.query<
      {
        id: string;
        display_name: string;
        chapter_name: string | null;
        same_chapter: boolean;
        active: number;
        capacity: number;
        waiting: number;
      }[]
    >(
      `SELECT u.id, u.display_name, c.name AS chapter_name, u.coach_capacity AS capacity,
              (u.chapter_id IS NOT DISTINCT FROM $1::uuid AND u.chapter_id IS NOT NULL) AS same_chapter,
              (SELECT count(*)::int FROM coach_assignments a WHERE a.coach_id = u.id AND a.ended_at IS NULL) AS active,
              (SELECT count(*)::int FROM evidence_submissions s
                 JOIN coach_assignments a ON a.organizer_id = s.organizer_id AND a.ended_at IS NULL
                WHERE a.coach_id = u.id AND s.status = 'pending') AS waiting
         FROM users u LEFT JOIN chapters c ON c.id = u.chapter_id
        WHERE u.role = 'coach' AND u.active AND u.id <> $2`,
      [organizer.chapterId, organizer.id],
    );
    const options = rows.map((row) => {
      const remaining = row.capacity - row.active;
      const parts = [
        row.same_chapter ? 'same chapter' : 'other chapter',
        remaining > 0
          ? `${remaining} of ${row.capacity} places free`
          : `full (${row.active} of ${row.capacity})`,
        `${row.waiting} ${row.waiting === 1 ? 'review' : 'reviews'} waiting`,
      ];
      return {
        id: row.id,
        displayName: row.display_name,
        chapterName: row.chapter_name,
        sameChapter: row.same_chapter,
        active: row.active,
        capacity: row.capacity,
        remaining,
        reviewsWaiting: row.waiting,
        explanation: parts.join(' · '),
      };
    });
    return options.sort(
      (a, b) =>
        Number(b.sameChapter) - Number(a.sameChapter) ||
        b.remaining - a.remaining ||
        a.reviewsWaiting - b.reviewsWaiting ||
        a.displayName.localeCompare(b.displayName),
    );
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
      emailText: `Hello ${coach.displayName},\n\nYou are now the coach of ${organizer.displayName}. Their progress and evidence so far:\n\n${link}\n`,
    });
    await notify(manager, this.baseUrl, {
      to: organizer,
      kind: 'coaching',
      title: `${coach.displayName} is your coach`,
      body: `${coach.displayName} (${coach.email}) is now your coach in Organizer Academy.`,
      link: '/me',
      emailText: `Hello ${organizer.displayName},\n\n${coach.displayName} (${coach.email}) is now your coach in Organizer Academy. Your progress:\n\n${this.baseUrl}/me\n`,
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

  async openRequests(
    manager: EntityManager,
    actor: SessionUser | undefined,
  ): Promise<(CoachRequest & { organizer: User })[]> {
    const scope = scopeOf(assertAdmin(actor));
    return (await manager.find(CoachRequest, {
      where: { resolvedAt: IsNull(), ...(scope && { organizer: { chapterId: scope } }) },
      relations: { organizer: true },
      order: { createdAt: 'ASC' },
    })) as (CoachRequest & { organizer: User })[];
  }
}
