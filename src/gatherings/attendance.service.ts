import type { EntityManager } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { In } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { readTogether } from '../db/read-together';
import type { AttemptLimiter } from '../web/attempt-limiter';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { markingIsOpen } from '../workshops/attendance.rules';
import {
  checkInIsOpen,
  currentCheckInCode,
  verifyCheckInCode,
  type ShownCode,
} from '../workshops/check-in-codes';
import { Gathering, GatheringAttendance, GatheringRsvp } from './gathering.entities';
import type { GatheringsService } from './gatherings.service';

export const ATTENDANCE_MARKS = ['present', 'absent'] as const;
export type AttendanceMark = { userId: string; status: (typeof ATTENDANCE_MARKS)[number] };

export const NOT_YOURSELF =
  'You cannot mark your own attendance; another host of the circle can mark you present.';

export interface SheetRow {
  userId: string;
  name: string;
  answer: 'yes' | 'no' | null;
  status: 'present' | 'absent' | null;
  walkIn: boolean;
  selfCheckIn: boolean;
}

/**
 * Who came to a gathering: self check-in with the rotating code (the workshops' code and limiter),
 * hosts marking people and walk-ins. Completes no milestone and issues no credential.
 */
export class GatheringAttendanceService {
  constructor(
    private readonly gatherings: GatheringsService,
    private readonly throttle: AttemptLimiter,
  ) {}

  /** Everyone who said yes or was marked, with their mark; hosts only. */
  async sheet(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
  ): Promise<SheetRow[]> {
    await this.gatherings.assertCanManage(manager, actor, gatheringId);
    const [answers, marks] = await readTogether(
      manager,
      () => manager.find(GatheringRsvp, { where: { gatheringId, answer: 'yes' }, relations: { user: true } }),
      () => manager.find(GatheringAttendance, { where: { gatheringId }, relations: { user: true } }),
    );
    const rows = new Map<string, SheetRow>();
    const blank = (user: User): SheetRow => ({
      userId: user.id,
      name: user.displayName,
      answer: null,
      status: null,
      walkIn: false,
      selfCheckIn: false,
    });
    for (const a of answers) rows.set(a.userId, { ...blank(a.user!), answer: a.answer });
    for (const m of marks)
      rows.set(m.userId, {
        ...(rows.get(m.userId) ?? blank(m.user!)),
        status: m.status,
        walkIn: m.walkIn,
        selfCheckIn: m.selfCheckIn,
      });
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Hosts record marks from 15 minutes before the start on (corrections allowed, each audited);
   * never their own, and only for people on the sheet (others come as walk-ins).
   */
  async mark(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
    marks: AttendanceMark[],
  ): Promise<number> {
    const { gathering, host } = await this.gatherings.assertCanManage(manager, actor, gatheringId);
    assertMarkingOpen(gathering);
    if (marks.some((m) => m.userId === host.id)) throw new Forbidden(NOT_YOURSELF);
    const ids = marks.map((m) => m.userId);
    if (ids.length) {
      const [answered, marked] = await readTogether(
        manager,
        () => manager.find(GatheringRsvp, { where: { gatheringId, userId: In(ids), answer: 'yes' } }),
        () => manager.find(GatheringAttendance, { where: { gatheringId, userId: In(ids) } }),
      );
      const listed = new Set([...answered, ...marked].map((r) => r.userId));
      if (ids.some((id) => !listed.has(id)))
        throw new ValidationFailed({
          form: 'Someone on the form did not say yes to this gathering; add people who came anyway as walk-ins.',
        });
    }
    let changed = 0;
    for (const { userId, status } of marks)
      if (await this.record(manager, gathering, { actorId: host.id, userId, status, walkIn: false }))
        changed += 1;
    return changed;
  }

  /** Marks a member of the circle who came without saying yes as present, found by account email. */
  async walkIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
    email: string,
  ): Promise<User> {
    const { gathering, host } = await this.gatherings.assertCanManage(manager, actor, gatheringId);
    assertMarkingOpen(gathering);
    const person = await manager.findOne(User, { where: { email, active: true } });
    // Someone outside the circle is answered like a missing account: hosts learn nothing about them.
    if (!person || !(await this.gatherings.circles.isMember(manager, gathering.circleId, person.id)))
      throw new ValidationFailed({
        email: 'No active member of this circle has this email; invite them to the chapter first.',
      });
    if (person.id === host.id) throw new Forbidden(NOT_YOURSELF);
    await this.record(manager, gathering, {
      actorId: host.id,
      userId: person.id,
      status: 'present',
      walkIn: true,
    });
    return person;
  }

  /** The code a host shows during the gathering (null outside the check-in window). */
  async checkInCode(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
  ): Promise<ShownCode | null> {
    await this.gatherings.assertCanManage(manager, actor, gatheringId);
    const gathering = await this.withSecret(manager, gatheringId);
    return checkInIsOpen(gathering) ? currentCheckInCode(gathering.checkInSecret, gathering.id) : null;
  }

  /**
   * A member enters the code shown in the room and is marked present. Wrong codes are counted per
   * person and gathering across processes, before comparing. Hosts see the code, so they cannot
   * check themselves in. Call outside a transaction (the limiter takes its own connections).
   */
  async selfCheckIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
    code: string,
  ): Promise<'checked-in' | 'already'> {
    const { circle } = await this.gatherings.view(manager, actor, gatheringId);
    const person = actor!;
    if (circle.host)
      throw new Forbidden(
        'You can see this gathering’s check-in code, so you cannot check yourself in. Another host can mark you present.',
      );
    const gathering = await this.withSecret(manager, gatheringId);
    if (!checkInIsOpen(gathering))
      throw new Conflict('Check-in is open from 15 minutes before the start until the gathering ends.');
    await verifyCheckInCode(this.throttle, gathering, person.id, code);
    return withTransaction(manager, async (m) => {
      const answered = await m.findOneBy(GatheringRsvp, { gatheringId, userId: person.id, answer: 'yes' });
      const changed = await this.record(m, gathering, {
        actorId: person.id,
        userId: person.id,
        status: 'present',
        walkIn: !answered,
        selfCheckIn: true,
      });
      return changed ? 'checked-in' : 'already';
    });
  }

  async attendanceOf(manager: EntityManager, gatheringId: string, userId: string) {
    return manager.findOneBy(GatheringAttendance, { gatheringId, userId });
  }

  /** Sets one mark (serialised per person by an advisory lock); false when nothing changed. */
  private async record(
    manager: EntityManager,
    gathering: Gathering,
    mark: {
      actorId: string;
      userId: string;
      status: 'present' | 'absent';
      walkIn: boolean;
      selfCheckIn?: boolean;
    },
  ): Promise<boolean> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `gathering-attendance:${gathering.id}:${mark.userId}`,
    ]);
    const previous = await manager.findOneBy(GatheringAttendance, {
      gatheringId: gathering.id,
      userId: mark.userId,
    });
    if (previous?.status === mark.status) return false;
    await manager.upsert(
      GatheringAttendance,
      {
        gatheringId: gathering.id,
        userId: mark.userId,
        status: mark.status,
        walkIn: previous?.walkIn ?? mark.walkIn,
        selfCheckIn: mark.status === 'present' && Boolean(mark.selfCheckIn),
        markedById: mark.actorId,
        markedAt: new Date(),
      },
      ['gatheringId', 'userId'],
    );
    await recordAudit(manager, {
      actorId: mark.actorId,
      action: mark.selfCheckIn ? 'gathering.checked_in' : 'gathering.attendance',
      subjectType: 'gathering',
      subjectId: gathering.id,
      details: { userId: mark.userId, from: previous?.status ?? null, to: mark.status, walkIn: mark.walkIn },
    });
    return true;
  }

  private async withSecret(manager: EntityManager, gatheringId: string): Promise<Gathering> {
    const gathering = await manager
      .createQueryBuilder(Gathering, 'g')
      .addSelect('g.checkInSecret')
      .where('g.id = :gatheringId', { gatheringId })
      .getOne();
    if (!gathering) throw new NotFound('That gathering does not exist.');
    return gathering;
  }
}

function assertMarkingOpen(gathering: Gathering): void {
  if (gathering.cancelledAt) throw new Conflict('This gathering was cancelled.');
  if (!markingIsOpen(gathering))
    throw new Conflict(
      'Attendance can be marked from 15 minutes before the gathering starts; corrections stay possible afterwards.',
    );
}
