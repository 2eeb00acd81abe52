import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { ProgressService } from '../curriculum/progress.service';
import { ValidationFailed } from '../web/errors';
import { WorkshopAttendance, WorkshopRegistration, type AttendanceStatus } from './workshop.entities';
import type { WorkshopsService } from './workshops.service';

export interface AttendanceMark {
  userId: string;
  status: AttendanceStatus;
}

export interface AttendanceRow {
  userId: string;
  name: string;
  email: string;
  chapterName: string | null;
  markedAt: Date | null;
  registration: string | null;
  status: AttendanceStatus | null;
  walkIn: boolean;
}

/** Attendance for one workshop; "present" completes its milestones through the progress hook. */
export class AttendanceService {
  constructor(
    private readonly workshops: WorkshopsService,
    private readonly progress: ProgressService,
  ) {}

  /** Everyone registered, waitlisted or already marked, with their current mark. */
  async sheet(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
  ): Promise<AttendanceRow[]> {
    await this.workshops.assertCanManage(manager, actor, workshopId);
    const [registrations, marks] = await Promise.all([
      manager.find(WorkshopRegistration, {
        where: { workshopId, status: In(['registered', 'waitlisted']) },
        relations: { user: true },
      }),
      manager.find(WorkshopAttendance, { where: { workshopId }, relations: { user: true } }),
    ]);
    const rows = new Map<string, AttendanceRow>();
    const rowFor = (user: User, registration: string | null): AttendanceRow => ({
      userId: user.id,
      name: user.displayName,
      email: user.email,
      chapterName: user.chapter?.name ?? null,
      markedAt: null,
      registration,
      status: null,
      walkIn: false,
    });
    for (const r of registrations) rows.set(r.userId, rowFor(r.user!, r.status));
    for (const mark of marks) {
      const row = rows.get(mark.userId) ?? rowFor(mark.user!, null);
      rows.set(mark.userId, { ...row, status: mark.status, walkIn: mark.walkIn, markedAt: mark.markedAt });
    }
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Records marks (corrections allowed, each audited). Becoming present completes the workshop's
   * milestones in this transaction; leaving present undoes that completion.
   */
  async mark(
    manager: EntityManager,
    actor: SessionUser | undefined,
    workshopId: string,
    marks: AttendanceMark[],
    walkIn = false,
  ): Promise<number> {
    const facilitator = await this.workshops.assertCanManage(manager, actor, workshopId);
    const workshop = await this.workshops.get(manager, workshopId);
    let changed = 0;
    for (const { userId, status } of marks) {
      const previous = await manager.findOne(WorkshopAttendance, {
        where: { workshopId, userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (previous?.status === status) continue;
      await manager.upsert(
        WorkshopAttendance,
        {
          workshopId,
          userId,
          status,
          walkIn: previous?.walkIn ?? walkIn,
          markedById: facilitator.id,
          markedAt: new Date(),
        },
        ['workshopId', 'userId'],
      );
      for (const milestoneId of workshop.milestoneIds) {
        if (status === 'present')
          await this.progress.milestoneCompleted(manager, { userId, milestoneId, source: 'workshop' });
        else if (previous?.status === 'present')
          await this.progress.milestoneUncompleted(manager, { userId, milestoneId });
      }
      await recordAudit(manager, {
        actorId: facilitator.id,
        action: 'workshop.attendance',
        subjectType: 'workshop',
        subjectId: workshopId,
        details: { userId, from: previous?.status ?? null, to: status, walkIn: previous?.walkIn ?? walkIn },
      });
      changed += 1;
    }
    return changed;
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
