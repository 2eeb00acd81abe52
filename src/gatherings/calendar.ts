import type { EntityManager } from 'typeorm';
import type { CirclesService } from '../circles/circles.service';
import type { CalendarEvent } from '../workshops/ics';
import { Gathering } from './gathering.entities';

/** Gatherings listed in one person's calendar feed, at most. */
export const FEED_LIMIT = 200;

/**
 * The gatherings a person said yes to, for their private calendar feed (with the workshops where
 * they have a seat): those that ended less than 90 days ago or are still to come, in circles they
 * still belong to; cancelled ones stay, marked cancelled, so calendars remove them.
 */
export async function gatheringEventsFor(
  manager: EntityManager,
  circles: CirclesService,
  baseUrl: string,
  userId: string,
): Promise<CalendarEvent[]> {
  const rows = await manager
    .createQueryBuilder(Gathering, 'g')
    .innerJoin('gathering_rsvps', 'r', 'r.gathering_id = g.id')
    .where(`r.user_id = :userId AND r.answer = 'yes' AND g.ends_at > now() - interval '90 days'`, {
      userId,
    })
    .orderBy('g.starts_at', 'ASC')
    .take(FEED_LIMIT)
    .getMany();
  const member = new Map<string, boolean>();
  for (const circleId of new Set(rows.map((g) => g.circleId)))
    member.set(circleId, await circles.isMember(manager, circleId, userId));
  return rows
    .filter((g) => member.get(g.circleId))
    .map((g) => ({ ...g, url: `${baseUrl}/gatherings/${g.id}` }));
}
