import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { CalendarFeed } from '../workshops/workshop.entities';
import { PasswordReset } from './one-time-token.entities';

/**
 * Ends every secret link of a person: unused password reset links and their private calendar link
 * (they can make a new one). Used when the password changes or is reset and on deactivation, so a
 * link that leaked before keeps no power afterwards.
 */
export async function endLinksOf(manager: EntityManager, userId: string): Promise<void> {
  await manager.update(PasswordReset, { userId, usedAt: IsNull() }, { usedAt: new Date() });
  await manager.delete(CalendarFeed, { userId });
}
