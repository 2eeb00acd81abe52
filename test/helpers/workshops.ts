import type { EntityManager } from 'typeorm';
import { Workshop } from '../../src/workshops/workshop.entities';

/**
 * Moves a workshop so it started `minutesAgo` minutes ago (new workshops must start in the future,
 * and attendance can only be marked from the check-in window on).
 */
export async function startWorkshop(
  manager: EntityManager,
  workshopId: string,
  minutesAgo = 5,
): Promise<void> {
  const startsAt = new Date(Date.now() - minutesAgo * 60_000);
  const workshop = await manager.findOneByOrFail(Workshop, { id: workshopId });
  const length = workshop.endsAt.getTime() - workshop.startsAt.getTime();
  await manager.update(Workshop, workshopId, { startsAt, endsAt: new Date(startsAt.getTime() + length) });
}
