import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Conflict, ValidationFailed } from '../web/errors';
import { CHECK_IN_OPENS_BEFORE_MS } from './check-in-codes';
import { WorkshopAttendance, WorkshopRegistration } from './workshop.entities';

const MARK_FIELD = /^status:([0-9a-f-]{36})$/;

/** `status:<userId>=<status>` fields from an attendance sheet; blanks and unknown statuses are skipped. */
export function marksFrom<S extends string>(
  body: unknown,
  statuses: readonly S[],
): { userId: string; status: S }[] {
  return Object.entries((body ?? {}) as Record<string, unknown>).flatMap(([key, value]) => {
    const match = MARK_FIELD.exec(key);
    const status = statuses.find((s) => s === value);
    return match && status ? [{ userId: match[1], status }] : [];
  });
}

export const NOT_YOURSELF =
  'You cannot mark your own attendance; another facilitator or an admin can mark you present.';

/** True from the check-in window (15 minutes before the start) on: attendance before that would be a claim about the future. */
export function markingIsOpen(workshop: { startsAt: Date }, at = new Date()): boolean {
  return at.getTime() >= workshop.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MS;
}

export function assertMarkingOpen(workshop: { startsAt: Date }): void {
  if (!markingIsOpen(workshop))
    throw new Conflict(
      'Attendance can be marked from 15 minutes before the workshop starts; corrections stay possible afterwards.',
    );
}

/** Only people registered, waitlisted or already marked are on the sheet; others come as walk-ins. */
export async function assertOnTheList(
  manager: EntityManager,
  workshopId: string,
  marks: { userId: string }[],
): Promise<void> {
  if (!marks.length) return;
  const ids = marks.map((m) => m.userId);
  const [registered, marked] = await Promise.all([
    manager.find(WorkshopRegistration, {
      where: { workshopId, userId: In(ids), status: In(['registered', 'waitlisted']) },
      select: { userId: true },
    }),
    manager.find(WorkshopAttendance, { where: { workshopId, userId: In(ids) }, select: { userId: true } }),
  ]);
  const listed = new Set([...registered, ...marked].map((row) => row.userId));
  if (ids.some((id) => !listed.has(id)))
    throw new ValidationFailed(
      {},
      'Someone in this list is not registered for this workshop; add people who came without registering as walk-ins.',
    );
}
