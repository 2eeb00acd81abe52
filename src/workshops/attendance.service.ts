import type { EntityManager } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { In } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { ProgressService } from '../curriculum/progress.service';
import type { AttemptLimiter } from '../web/attempt-limiter';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { assertSignedIn, scopeOf } from '../accounts/policy';
import { checkInIsOpen, currentCheckInCode, verifyCheckInCode, type ShownCode } from './check-in-codes';
import {
  Workshop,
  WorkshopAttendance,
  WorkshopRegistration,
  type AttendanceStatus,
} from './workshop.entities';
import type { WorkshopsService } from './workshops.service';
import { assertMarkingOpen, assertOnTheList, NOT_YOURSELF } from './attendance.rules';

export { markingIsOpen } from './attendance.rules';
import { readTogether } from '../db/read-together';

export interface AttendanceMark {
  userId: string;
  status: AttendanceStatus;
}

export interface MarkResult {
  changed: number;
  /** People marked away from "present" whose completions stayed: they already hold a certificate. */
  keptCertified: string[];
}

export interface AttendanceRow {
  userId: string;
  name: string;
  email: string;
  chapterName: string | null;
  markedAt: Date | null;
  checkedInAt: Date | null;
  selfCheckIn: boolean;
  registration: string | null;
  status: AttendanceStatus | null;
  walkIn: boolean;
}

/** Attendance for one workshop; "present" completes its milestones through the progress hook. */
export class AttendanceService {
  constructor(
    private readonly workshops: WorkshopsService,
    private readonly progress: ProgressService,
    private readonly throttle: AttemptLimiter,
  ) {}

  /** Everyone registered, waitlisted or already marked, with their current mark. */
  async sheet(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<AttendanceRow[]> {
    await this.workshops.assertCanManage(manager, actor, workshopId);
    const [registrations, marks] = await readTogether(
      manager,
      () =>
        manager.find(WorkshopRegistration, {
          where: { workshopId, status: In(['registered', 'waitlisted']) },
          relations: { user: true },
        }),
      () => manager.find(WorkshopAttendance, { where: { workshopId }, relations: { user: true } }),
    );
    const rows = new Map<string, AttendanceRow>();
    const rowFor = (user: User, registration: string | null): AttendanceRow => ({
      userId: user.id,
      name: user.displayName,
      email: user.email,
      chapterName: user.chapter?.name ?? null,
      markedAt: null,
      checkedInAt: null,
      selfCheckIn: false,
      registration,
      status: null,
      walkIn: false,
    });
    for (const r of registrations) rows.set(r.userId, rowFor(r.user!, r.status));
    for (const mark of marks) {
      const row = rows.get(mark.userId) ?? rowFor(mark.user!, null);
      rows.set(mark.userId, {
        ...row,
        status: mark.status,
        walkIn: mark.walkIn,
        markedAt: mark.markedAt,
        checkedInAt: mark.checkedInAt,
        selfCheckIn: mark.selfCheckIn,
      });
    }
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Records marks (corrections allowed, each audited), from 15 minutes before the start on; never
   * one's own, and only for people on the list (others come as walk-ins). Becoming present completes the workshop's
   * milestones in this transaction; leaving present undoes that completion unless the person already
   * holds a certificate for the track (those names come back in keptCertified).
   */
  async mark(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    marks: AttendanceMark[],
    walkIn = false,
  ): Promise<MarkResult> {
    const facilitator = await this.workshops.assertCanManage(manager, actor, workshopId);
    const workshop = await this.workshops.get(manager, workshopId);
    // Bad input first (400), then the rules (403, 409).
    await this.assertPeopleExist(manager, marks);
    assertMarkingOpen(workshop);
    if (marks.some((m) => m.userId === facilitator.id)) throw new Forbidden(NOT_YOURSELF);
    if (!walkIn) await assertOnTheList(manager, workshopId, marks);
    const result: MarkResult = { changed: 0, keptCertified: [] };
    for (const { userId, status } of marks) {
      const outcome = await this.record(manager, workshop, {
        actorId: facilitator.id,
        userId,
        status,
        walkIn,
      });
      if (outcome === 'unchanged') continue;
      result.changed += 1;
      if (outcome === 'kept-certified')
        result.keptCertified.push((await manager.findOneByOrFail(User, { id: userId })).displayName);
    }
    return result;
  }

  /** Marks only name people who have an active account: an unknown id is the form's mistake, not ours. */
  private async assertPeopleExist(manager: EntityManager, marks: AttendanceMark[]): Promise<void> {
    const ids = [...new Set(marks.map((m) => m.userId))];
    if (!ids.length) return;
    const found = await manager.count(User, { where: { id: In(ids), active: true } });
    if (found !== ids.length)
      throw new ValidationFailed({
        form: 'Someone on the form has no active account. Reload the attendance sheet and try again.',
      });
  }

  /**
   * Sets one person's mark and keeps their milestone completions in step. "kept-certified" when
   * leaving "present" could not undo a completion because a certificate was already issued.
   */
  private async record(
    manager: EntityManager,
    workshop: Workshop,
    mark: {
      actorId: string;
      userId: string;
      status: AttendanceStatus;
      walkIn: boolean;
      selfCheckIn?: boolean;
    },
  ): Promise<'unchanged' | 'changed' | 'kept-certified'> {
    const { userId, status } = mark;
    // FOR UPDATE below locks nothing while there is no row yet: two marks sent at once (a double
    // click) both found none and both wrote an audit row. This lock serialises them per person.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `attendance:${workshop.id}:${userId}`,
    ]);
    const previous = await manager.findOne(WorkshopAttendance, {
      where: { workshopId: workshop.id, userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (previous?.status === status) return 'unchanged';
    const now = new Date();
    const present = status === 'present';
    await manager.upsert(
      WorkshopAttendance,
      {
        workshopId: workshop.id,
        userId,
        status,
        walkIn: previous?.walkIn ?? mark.walkIn,
        markedById: mark.actorId,
        markedAt: now,
        checkedInAt: present ? now : null,
        selfCheckIn: present && Boolean(mark.selfCheckIn),
      },
      ['workshopId', 'userId'],
    );
    let kept = false;
    for (const milestoneId of workshop.milestoneIds) {
      if (present)
        await this.progress.milestoneCompleted(manager, { userId, milestoneId, source: 'workshop' });
      else if (previous?.status === 'present') {
        const undo = await this.progress.milestoneUncompleted(manager, { userId, milestoneId });
        kept ||= undo === 'kept-certified';
      }
    }
    await recordAudit(manager, {
      actorId: mark.actorId,
      action: mark.selfCheckIn ? 'workshop.checked_in' : 'workshop.attendance',
      subjectType: 'workshop',
      subjectId: workshop.id,
      details: {
        userId,
        from: previous?.status ?? null,
        to: status,
        walkIn: previous?.walkIn ?? mark.walkIn,
        ...(kept && { completionsKept: 'certificate already issued' }),
      },
    });
    return kept ? 'kept-certified' : 'changed';
  }

  /** The code a facilitator shows during the workshop. */
  async checkInCode(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<ShownCode | null> {
    await this.workshops.assertCanManage(manager, actor, workshopId);
    const workshop = await this.withSecret(manager, workshopId);
    return checkInIsOpen(workshop) ? currentCheckInCode(workshop.checkInSecret, workshop.id) : null;
  }

  /**
   * An organizer enters the code shown in the room and is marked present. Wrong codes are counted
   * per person and workshop (across processes) so the six digits cannot be guessed. Call it outside
   * a transaction: the counter takes its own pooled connections (its counts must outlive a refused
   * check-in), so holding one meanwhile let a burst of check-ins deadlock the pool; the marking
   * gets its own transaction.
   */
  async selfCheckIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    code: string,
  ): Promise<'checked-in' | 'already'> {
    const person = assertSignedIn(actor);
    const workshop = await this.withSecret(manager, workshopId);
    // Whoever can see the code (facilitators, admins of the workshop) would be vouching for themselves.
    const canManage = await this.workshops.assertCanManage(manager, person, workshopId).then(
      () => true,
      () => false,
    );
    if (canManage)
      throw new Forbidden(
        'You can see this workshop’s check-in code, so you cannot check yourself in. Another facilitator can mark you present.',
      );
    if (!checkInIsOpen(workshop))
      throw new Conflict('Check-in is open from 15 minutes before the start until the workshop ends.');
    // The attempt is counted before the code is compared, so a burst tests no more codes than the limit.
    await verifyCheckInCode(this.throttle, workshop, person.id, code);
    return withTransaction(manager, async (m) => {
      const registered = await this.workshops.registrationOf(m, workshop.id, person.id);
      const outcome = await this.record(m, workshop, {
        actorId: person.id,
        userId: person.id,
        status: 'present',
        walkIn: registered?.status !== 'registered',
        selfCheckIn: true,
      });
      return outcome === 'unchanged' ? 'already' : 'checked-in';
    });
  }

  async attendanceOf(
    manager: EntityManager,
    workshopId: string,
    userId: string,
  ): Promise<WorkshopAttendance | null> {
    return manager.findOne(WorkshopAttendance, { where: { workshopId, userId } });
  }

  private async withSecret(manager: EntityManager, workshopId: string): Promise<Workshop> {
    const workshop = await manager
      .createQueryBuilder(Workshop, 'workshop')
      .addSelect('workshop.checkInSecret')
      .where('workshop.id = :workshopId', { workshopId })
      .getOne();
    if (!workshop) throw new NotFound('That workshop does not exist.');
    return workshop;
  }

  /**
   * Marks someone who came without registering as present, found by their account email: from the
   * check-in window on, never oneself, and (unless an admin of the whole academy) only people of the
   * workshop's chapter. Throws Forbidden, Conflict or ValidationFailed.
   */
  async walkIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    email: string,
  ): Promise<User> {
    const facilitator = await this.workshops.assertCanManage(manager, actor, workshopId);
    const workshop = await this.workshops.get(manager, workshopId);
    const person = await manager.findOne(User, { where: { email, active: true } });
    // Facilitators and chapter admins reach the people of the workshop's chapter only; an account of
    // another chapter is answered like a missing one.
    const outOfScope =
      person &&
      (scopeOf(facilitator) !== null || facilitator.role !== 'admin') &&
      workshop.chapterId !== null &&
      person.chapterId !== workshop.chapterId;
    if (!person || outOfScope)
      throw new ValidationFailed({
        email: workshop.chapterId
          ? 'No active account of this workshop’s chapter has this email; invite the person first.'
          : 'No active account has this email; invite the person first.',
      });
    if (person.id === facilitator.id) throw new Forbidden(NOT_YOURSELF);
    await this.mark(manager, actor, workshopId, [{ userId: person.id, status: 'present' }], true);
    return person;
  }
}
