import type { EntityManager } from 'typeorm';
import { Gathering, GatheringAttendance } from '../../src/gatherings/gathering.entities';

const HOUR = 3_600_000;

/** Form fields for a gathering starting in `days` days, one evening long, in New York. */
export function gatheringFields(circleId: string, overrides: Record<string, string> = {}) {
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  return {
    circleId,
    kind: 'hack_night',
    title: 'Hack night at the library',
    description: 'Bring a **laptop**.',
    startsAt: `${day}T18:00`,
    endsAt: `${day}T21:00`,
    timeZone: 'America/New_York',
    location: 'Main library, room 2',
    onlineUrl: '',
    capacity: '',
    ...overrides,
  };
}

/** A gathering written straight to the database, starting `startsInHours` from now (negative: past). */
export async function createGathering(
  manager: EntityManager,
  circle: { id: string; chapterId: string | null },
  createdById: string,
  overrides: Partial<Gathering> & { startsInHours?: number } = {},
): Promise<Gathering> {
  const { startsInHours = 72, ...fields } = overrides;
  const startsAt = new Date(Date.now() + startsInHours * HOUR);
  return manager.save(
    manager.create(Gathering, {
      circleId: circle.id,
      chapterId: circle.chapterId,
      kind: 'potluck',
      title: 'Potluck',
      description: '',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * HOUR),
      timeZone: 'UTC',
      location: 'The park',
      onlineUrl: null,
      capacity: null,
      isPublic: false,
      createdById,
      checkInSecret: `secret-${Math.random()}`,
      ...fields,
    }),
  );
}

/** Marks people present at a gathering (straight to the database, for report figures). */
export async function markPresent(
  manager: EntityManager,
  gatheringId: string,
  userIds: string[],
  markedById: string,
): Promise<void> {
  for (const userId of userIds)
    await manager.insert(GatheringAttendance, { gatheringId, userId, status: 'present', markedById });
}
