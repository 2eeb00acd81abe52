import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { In, IsNull, MoreThan } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { assertInScope, assertRole, assertSignedIn, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { Curriculum } from '../curriculum/curriculum.types';
import { notify } from '../notifications/notify';
import { mailText } from '../mail/outbox';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldErrors } from '../web/errors';
import { positionId, positionParts, positionTime } from '../web/pager';
import {
  Workshop,
  WorkshopAttendance,
  WorkshopFacilitator,
  WorkshopRegistration,
  type RegistrationStatus,
} from './workshop.entities';

export interface WorkshopInput {
  title: string;
  description: string;
  milestoneIds: string[];
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: string;
  onlineUrl: string | null;
  capacity: number;
  chapterId: string | null;
  /** Shown on its chapter's public page; off unless chosen. */
  public?: boolean;
}

/** Scheduling and registration. Seats are counted under a lock on the workshop row. */
export class WorkshopsService {
  constructor(
    private readonly curriculum: () => Curriculum,
    private readonly baseUrl: string,
  ) {}

  private async validate(manager: EntityManager, input: WorkshopInput, isNew: boolean): Promise<void> {
    const errors: FieldErrors = {};
    if (input.endsAt <= input.startsAt) errors.endsAt = 'The end must be after the start.';
    if (isNew && input.startsAt <= new Date()) errors.startsAt = 'A new workshop must start in the future.';
    const unknown = input.milestoneIds.filter(
      (id) => this.curriculum().milestoneById.get(id)?.milestone.kind !== 'workshop',
    );
    if (unknown.length) errors.milestoneIds = `Unknown workshop milestone: ${unknown.join(', ')}.`;
    if (input.chapterId && !(await manager.exists(Chapter, { where: { id: input.chapterId } }))) {
      errors.chapterId = 'That chapter does not exist.';
    }
    if (Object.keys(errors).length) throw new ValidationFailed(errors);
  }

  /** Admins and coaches schedule workshops; the creator facilitates it. */
  async create(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: WorkshopInput,
  ): Promise<Workshop> {
    const organizer = assertRole(actor, 'admin', 'coach');
    const scope = scopeOf(organizer);
    if (scope && input.chapterId !== scope)
      throw new ValidationFailed({ chapterId: 'You can only schedule workshops for your own chapter.' });
    await this.validate(manager, input, true);
    const workshop = await manager.save(
      manager.create(Workshop, {
        ...input,
        createdById: organizer.id,
        checkInSecret: randomBytes(32).toString('base64url'),
      }),
    );
    await manager.insert(WorkshopFacilitator, { workshopId: workshop.id, userId: organizer.id });
    await recordAudit(manager, {
      actorId: organizer.id,
      action: 'workshop.created',
      subjectType: 'workshop',
      subjectId: workshop.id,
    });
    return workshop;
  }

  async get(manager: EntityManager, workshopId: string): Promise<Workshop> {
    const workshop = await manager.findOne(Workshop, {
      where: { id: workshopId },
      relations: { chapter: true },
    });
    if (!workshop) throw new NotFound('That workshop does not exist.');
    return workshop;
  }

  /** Only admins and the workshop's facilitators may change it. */
  async assertCanManage(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<SessionUser> {
    const user = assertSignedIn(actor);
    if (user.role === 'admin') {
      const scope = scopeOf(user);
      if (scope) {
        const workshop = await manager.findOne(Workshop, {
          where: { id: workshopId },
          select: { chapterId: true },
        });
        assertInScope(user, workshop?.chapterId, 'That workshop');
      }
      return user;
    }
    if (
      user.role === 'coach' &&
      (await manager.exists(WorkshopFacilitator, { where: { workshopId, userId: user.id } }))
    )
      return user;
    throw new Forbidden('Only admins and the workshop’s facilitators can change it.');
  }

  private async lock(manager: EntityManager, workshopId: string): Promise<Workshop> {
    const workshop = await manager.findOne(Workshop, {
      where: { id: workshopId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!workshop) throw new NotFound('That workshop does not exist.');
    return workshop;
  }

  /** Everyone registered or waitlisted: the people told when the workshop moves, is cancelled or reinstated. */
  async people(manager: EntityManager, workshopId: string): Promise<User[]> {
    const registrations = await manager.find(WorkshopRegistration, {
      where: { workshopId, status: In(['registered', 'waitlisted']) },
      relations: { user: true },
    });
    return registrations.map((r) => r.user!);
  }

  /** Edits a workshop; moving it emails everyone registered or waitlisted. */
  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    input: WorkshopInput,
  ): Promise<Workshop> {
    const editor = await this.assertCanManage(manager, actor, workshopId);
    const workshop = await this.lock(manager, workshopId);
    if (workshop.cancelledAt) throw new Conflict('This workshop was cancelled.');
    const scope = scopeOf(editor);
    if (scope && input.chapterId !== scope)
      throw new ValidationFailed({ chapterId: 'You can only schedule workshops for your own chapter.' });
    await this.validate(manager, input, false);
    const registered = await manager.count(WorkshopRegistration, {
      where: { workshopId, status: 'registered' },
    });
    if (input.capacity < registered) {
      throw new ValidationFailed({
        capacity: `${registered} people already have a seat; capacity cannot go below that.`,
      });
    }
    const moved =
      workshop.startsAt.getTime() !== input.startsAt.getTime() ||
      workshop.endsAt.getTime() !== input.endsAt.getTime();
    const saved = await manager.save(Object.assign(workshop, input));
    if (input.capacity > registered) await this.promote(manager, saved, input.capacity - registered);
    if (moved)
      await this.notifyAll(
        manager,
        saved,
        `Workshop moved: ${saved.title}`,
        'has a new date and time. Check the details',
      );
    await recordAudit(manager, {
      actorId: editor.id,
      action: 'workshop.updated',
      subjectType: 'workshop',
      subjectId: workshop.id,
      details: { moved },
    });
    return saved;
  }

  async cancel(manager: EntityManager, actor: SessionUser | undefined, workshopId: string): Promise<void> {
    const editor = await this.assertCanManage(manager, actor, workshopId);
    const workshop = await this.lock(manager, workshopId);
    if (workshop.cancelledAt) return;
    workshop.cancelledAt = new Date();
    await manager.save(workshop);
    await this.notifyAll(
      manager,
      workshop,
      `Workshop cancelled: ${workshop.title}`,
      'was cancelled. Details',
    );
    await recordAudit(manager, {
      actorId: editor.id,
      action: 'workshop.cancelled',
      subjectType: 'workshop',
      subjectId: workshop.id,
    });
  }

  /** Undoes a cancellation of a workshop that has not ended; everyone registered or waitlisted is told. */
  async reinstate(manager: EntityManager, actor: SessionUser | undefined, workshopId: string): Promise<void> {
    const editor = await this.assertCanManage(manager, actor, workshopId);
    const workshop = await this.lock(manager, workshopId);
    if (!workshop.cancelledAt) throw new Conflict('This workshop is not cancelled.');
    if (workshop.endsAt <= new Date())
      throw new Conflict('This workshop has ended; it cannot be reinstated.');
    workshop.cancelledAt = null;
    await manager.save(workshop);
    await this.notifyAll(
      manager,
      workshop,
      `Workshop back on: ${workshop.title}`,
      'takes place after all. Details',
    );
    await recordAudit(manager, {
      actorId: editor.id,
      action: 'workshop.reinstated',
      subjectType: 'workshop',
      subjectId: workshop.id,
    });
  }

  private async notifyAll(
    manager: EntityManager,
    workshop: Workshop,
    subject: string,
    what: string,
  ): Promise<void> {
    for (const person of await this.people(manager, workshop.id)) {
      await notify(manager, this.baseUrl, {
        to: person,
        kind: 'workshops',
        title: subject,
        body: `The workshop “${workshop.title}” ${what}.`,
        link: `/workshops/${workshop.id}`,
        emailText: mailText`Hello ${person.displayName},\n\nThe workshop “${workshop.title}” ${what}:\n\n${this.baseUrl}/workshops/${workshop.id}\n`,
      });
    }
  }

  /**
   * Takes a seat, or a waitlist place when the workshop is full. The workshop row is locked, so
   * simultaneous requests (from any number of app processes) are counted one after another.
   */
  async register(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<RegistrationStatus> {
    const person = assertSignedIn(actor);
    const workshop = await this.lock(manager, workshopId);
    if (workshop.cancelledAt) throw new Conflict('This workshop was cancelled.');
    if (workshop.startsAt <= new Date()) throw new Conflict('Registration closed when the workshop started.');
    const existing = await this.registrationOf(manager, workshopId, person.id);
    if (existing) return existing.status;
    const taken = await manager.count(WorkshopRegistration, { where: { workshopId, status: 'registered' } });
    const status: RegistrationStatus = taken < workshop.capacity ? 'registered' : 'waitlisted';
    await manager.insert(WorkshopRegistration, { workshopId, userId: person.id, status });
    await recordAudit(manager, {
      actorId: person.id,
      action: `workshop.${status}`,
      subjectType: 'workshop',
      subjectId: workshopId,
    });
    return status;
  }

  /** Gives up a seat (or waitlist place) until the start; a freed seat goes to the first waitlisted. */
  async unregister(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<void> {
    const person = assertSignedIn(actor);
    const workshop = await this.lock(manager, workshopId);
    if (workshop.startsAt <= new Date())
      throw new Conflict('The workshop has started; registrations can no longer change.');
    const registration = await this.registrationOf(manager, workshopId, person.id);
    if (!registration) return;
    // The row lock above also serialises this against a check-in of the same workshop.
    if (
      await manager.exists(WorkshopAttendance, {
        where: { workshopId, userId: person.id, status: 'present' },
      })
    )
      throw new Conflict('You are checked in, so your registration can no longer be cancelled.');
    await manager.update(WorkshopRegistration, registration.id, {
      status: 'cancelled',
      updatedAt: new Date(),
    });
    await recordAudit(manager, {
      actorId: person.id,
      action: 'workshop.unregistered',
      subjectType: 'workshop',
      subjectId: workshopId,
    });
    if (registration.status === 'registered' && !workshop.cancelledAt)
      await this.promote(manager, workshop, 1);
  }

  /** Moves the first `seats` waitlisted people to registered and emails them. Call with the row locked. */
  private async promote(manager: EntityManager, workshop: Workshop, seats: number): Promise<void> {
    const next = await manager.find(WorkshopRegistration, {
      where: { workshopId: workshop.id, status: 'waitlisted' },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: seats,
      relations: { user: true },
    });
    for (const registration of next) {
      await manager.update(WorkshopRegistration, registration.id, {
        status: 'registered',
        updatedAt: new Date(),
      });
      await notify(manager, this.baseUrl, {
        to: registration.user!,
        kind: 'workshops',
        title: `You have a seat: ${workshop.title}`,
        body: `A seat opened up in “${workshop.title}” and it is yours.`,
        link: `/workshops/${workshop.id}`,
        emailText: mailText`Hello ${registration.user!.displayName},\n\nA seat opened up and it is yours:\n\n${this.baseUrl}/workshops/${workshop.id}\n`,
      });
    }
  }

  async registrationOf(
    manager: EntityManager,
    workshopId: string,
    userId: string,
  ): Promise<WorkshopRegistration | null> {
    return manager.findOne(WorkshopRegistration, {
      where: { workshopId, userId, status: In(['registered', 'waitlisted']) },
    });
  }

  async counts(
    manager: EntityManager,
    workshopIds: string[],
  ): Promise<Map<string, { registered: number; waitlisted: number }>> {
    const rows = workshopIds.length
      ? await manager.query<{ workshop_id: string; registered: number; waitlisted: number }[]>(
          `SELECT workshop_id, count(*) FILTER (WHERE status = 'registered')::int AS registered,
                  count(*) FILTER (WHERE status = 'waitlisted')::int AS waitlisted
             FROM workshop_registrations WHERE workshop_id = ANY($1) GROUP BY workshop_id`,
          [workshopIds],
        )
      : [];
    return new Map(rows.map((r) => [r.workshop_id, { registered: r.registered, waitlisted: r.waitlisted }]));
  }

  /** Workshops that are not cancelled, matching `when` and the chapter/milestone filter. */
  private listed(
    manager: EntityManager,
    filter: { chapterId: string | null; milestoneId: string | null },
    when: string,
  ) {
    const query = manager
      .createQueryBuilder(Workshop, 'workshop')
      .leftJoinAndSelect('workshop.chapter', 'chapter')
      .where(`${when} AND workshop.cancelled_at IS NULL`);
    if (filter.chapterId) query.andWhere('workshop.chapter_id = :chapterId', { chapterId: filter.chapterId });
    if (filter.milestoneId)
      query.andWhere(':milestoneId = ANY(workshop.milestone_ids)', { milestoneId: filter.milestoneId });
    return query;
  }

  /**
   * One page of upcoming workshops, soonest first, optionally for one chapter or milestone, starting
   * after `filter.after` (keyset paging on start time and id); `next` continues the list. Read in
   * two index ranges, never walking past workshops: those running now (GiST on their time range)
   * and those starting later (by start time), at most a page and one.
   */
  async upcoming(
    manager: EntityManager,
    filter: { chapterId: string | null; milestoneId: string | null; after?: string },
    limit = UPCOMING_PAGE_SIZE,
  ): Promise<{ workshops: Workshop[]; next: string | null }> {
    const now = new Date();
    const after = decodeWorkshopPosition(filter.after);
    const page = async (when: string) => {
      const query = this.listed(manager, filter, when).setParameter('now', now);
      if (after)
        query.andWhere('(workshop.starts_at, workshop.id) > (:afterStart, :afterId)', {
          afterStart: after.startsAt,
          afterId: after.id,
        });
      // Each workshop joins at most one chapter, so a plain LIMIT is exact (no DISTINCT pass).
      return query
        .orderBy('workshop.starts_at', 'ASC')
        .addOrderBy('workshop.id', 'ASC')
        .limit(limit + 1)
        .getMany();
    };
    const running = await page(
      'tstzrange(workshop.starts_at, workshop.ends_at) @> CAST(:now AS timestamptz)',
    );
    const later = running.length > limit ? [] : await page('workshop.starts_at > :now');
    const rows = [...running, ...later];
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    const next =
      rows.length > limit
        ? Buffer.from(JSON.stringify([last.startsAt.toISOString(), last.id])).toString('base64url')
        : null;
    return { workshops: shown, next };
  }

  /**
   * Workshops that have ended, most recent first, with the same filters as the upcoming list. Every
   * such workshop also started before now, so the walk back by start time begins at now.
   */
  async past(
    manager: EntityManager,
    filter: { chapterId: string | null; milestoneId: string | null },
    limit = 30,
  ): Promise<Workshop[]> {
    return this.listed(manager, filter, 'workshop.ends_at <= :now AND workshop.starts_at < :now')
      .setParameter('now', new Date())
      .orderBy('workshop.starts_at', 'DESC')
      .addOrderBy('workshop.id', 'DESC')
      .limit(limit)
      .getMany();
  }

  /** How many were marked present (and how many of those walked in) per workshop. */
  async attendanceCounts(
    manager: EntityManager,
    workshopIds: string[],
  ): Promise<Map<string, { present: number; walkIns: number }>> {
    const rows = workshopIds.length
      ? await manager.query<{ workshop_id: string; present: number; walk_ins: number }[]>(
          `SELECT workshop_id, count(*) FILTER (WHERE status = 'present')::int AS present,
                  count(*) FILTER (WHERE status = 'present' AND walk_in)::int AS walk_ins
             FROM workshop_attendance WHERE workshop_id = ANY($1) GROUP BY workshop_id`,
          [workshopIds],
        )
      : [];
    return new Map(rows.map((r) => [r.workshop_id, { present: r.present, walkIns: r.walk_ins }]));
  }

  async facilitators(manager: EntityManager, workshopId: string): Promise<User[]> {
    const rows = await manager.find(WorkshopFacilitator, {
      where: { workshopId },
      relations: { user: true },
    });
    return rows.map((r) => r.user!).sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** Adds a co-facilitator: an active coach or admin, found by email. */
  async addFacilitator(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    email: string,
  ): Promise<User> {
    const editor = await this.assertCanManage(manager, actor, workshopId);
    const person = await manager.findOne(User, { where: { email, active: true } });
    if (!person || person.role === 'organizer')
      throw new ValidationFailed({
        email: 'Facilitators must be active coaches or admins; no such account has this email.',
      });
    await manager
      .createQueryBuilder()
      .insert()
      .into(WorkshopFacilitator)
      .values({ workshopId, userId: person.id })
      .orIgnore()
      .execute();
    await recordAudit(manager, {
      actorId: editor.id,
      action: 'workshop.facilitator_added',
      subjectType: 'workshop',
      subjectId: workshopId,
      details: { userId: person.id },
    });
    return person;
  }

  /** Removes a facilitator; a workshop always keeps at least one. */
  async removeFacilitator(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    userId: string,
  ): Promise<void> {
    const editor = await this.assertCanManage(manager, actor, workshopId);
    await this.lock(manager, workshopId);
    const count = await manager.count(WorkshopFacilitator, { where: { workshopId } });
    const isFacilitator = await manager.exists(WorkshopFacilitator, { where: { workshopId, userId } });
    if (!isFacilitator) return;
    if (count <= 1) throw new Conflict('A workshop needs at least one facilitator; add another one first.');
    await manager.delete(WorkshopFacilitator, { workshopId, userId });
    await recordAudit(manager, {
      actorId: editor.id,
      action: 'workshop.facilitator_removed',
      subjectType: 'workshop',
      subjectId: workshopId,
      details: { userId },
    });
  }

  async mine(manager: EntityManager, userId: string): Promise<Workshop[]> {
    const registrations = await manager.find(WorkshopRegistration, {
      where: {
        userId,
        status: In(['registered', 'waitlisted']),
        workshop: { endsAt: MoreThan(new Date()), cancelledAt: IsNull() },
      },
      relations: { workshop: true },
    });
    return registrations.map((r) => r.workshop!).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }
}

/** Upcoming workshops shown per page. */
export const UPCOMING_PAGE_SIZE = 30;

function decodeWorkshopPosition(token: string | undefined): { startsAt: Date; id: string } | null {
  // An unreadable or forged position starts from the soonest workshop.
  const [time, id] = positionParts(token) ?? [];
  const position = { startsAt: positionTime(time), id: positionId(id) };
  return position.startsAt && position.id ? { startsAt: position.startsAt, id: position.id } : null;
}
