import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { ProgressService } from '../curriculum/progress.service';
import { assertSignedIn } from '../accounts/policy';
import type { AttemptLimiter } from '../web/attempt-limiter';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { checkInIsOpen, currentCheckInCode, isValidCheckInCode, type ShownCode } from './check-in-codes';
import {
  Workshop,
  WorkshopAttendance,
  WorkshopRegistration,
  type AttendanceStatus,
} from './workshop.entities';
import type { WorkshopsService } from './workshops.service';
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
   * Records marks (corrections allowed, each audited). Becoming present completes the workshop's
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
    if (!checkInIsOpen(workshop))
      throw new Conflict('Check-in is open from 15 minutes before the start until the workshop ends.');
    const throttleKey = `${person.id}_${workshop.id}`;
    await this.throttle.assertAllowed(throttleKey);
    if (!isValidCheckInCode(workshop.checkInSecret, workshop.id, code)) {
      await this.throttle.recordFailure(throttleKey);
      throw new ValidationFailed({
        code: 'That code is not the current one. Check the code shown in the room.',
      });
    }
    return manager.transaction(async (m) => {
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

  /** Marks someone who came without registering as present, found by their account email. */
  async walkIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    email: string,
  ): Promise<User> {
    await this.workshops.assertCanManage(manager, actor, workshopId);
    const person = await manager.findOne(User, { where: { email, active: true } });
    if (!person)
      throw new ValidationFailed({ email: 'No active account has this email; invite the person first.' });
    await this.mark(manager, actor, workshopId, [{ userId: person.id, status: 'present' }], true);
    return person;
  }
}
