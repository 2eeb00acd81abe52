import type { EntityManager } from 'typeorm';
import type { CirclesService } from '../circles/circles.service';
import { mailText } from '../mail/outbox';
import { notify } from '../notifications/notify';
import { GatheringRsvp, type Gathering } from './gathering.entities';

/**
 * Tells everyone who answered (yes or no) that a gathering changed, as a `gatherings` notification.
 * People who have since left the circle (or were deactivated) are not told: its news is no longer
 * theirs to see.
 */
export async function tellEveryone(
  manager: EntityManager,
  circles: CirclesService,
  baseUrl: string,
  gathering: Gathering,
  title: string,
  what: string,
): Promise<void> {
  const answered = await manager.find(GatheringRsvp, {
    where: { gatheringId: gathering.id },
    relations: { user: true },
  });
  const link = `/gatherings/${gathering.id}`;
  for (const { user } of answered) {
    if (!user || !(await circles.isMember(manager, gathering.circleId, user.id))) continue;
    await notify(manager, baseUrl, {
      to: user,
      kind: 'gatherings',
      title,
      body: `The gathering “${gathering.title}” ${what}.`,
      link,
      emailText: mailText`Hello ${user.displayName},\n\nThe gathering “${gathering.title}” ${what}:\n\n${baseUrl}${link}\n`,
    });
  }
}
