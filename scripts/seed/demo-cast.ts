import type { EntityManager } from 'typeorm';
import type { SessionUser } from '../../src/accounts/session-user';
import type { Curriculum } from '../../src/curriculum/curriculum.types';

/** What the demo's fellowship and open-doors parts need from the core demo seed. */
export interface DemoCast {
  manager: EntityManager;
  baseUrl: string;
  curriculum: () => Curriculum;
  /** A demo person by key ('admin', 'rosa.diaz', 'riley.nguyen', …). */
  who: (key: string) => SessionUser;
  chapterIds: { boston: string; oakland: string };
  cohortId: string;
  /** The milestone Taylor was asked to rework: her feedback request in the cohort circle links it. */
  reworkMilestoneId: string;
}

const HOUR_MS = 3_600_000;

/** The same wall-clock evening as the core demo: 18:00 in Boston (23:00 UTC), in Oakland (02:00 UTC next day). */
export function eveningIn(chapter: 'boston' | 'oakland', days: number): Date {
  const day = new Date(Date.now() + days * 24 * HOUR_MS);
  day.setUTCHours(chapter === 'boston' ? 23 : 26, 0, 0, 0);
  return day;
}

/** Days from today to the first Tuesday at least `atLeast` days away (the demo chapters meet on Tuesdays). */
export function tuesdayIn(atLeast: number): number {
  const weekday = new Date(Date.now() + atLeast * 24 * HOUR_MS).getUTCDay();
  return atLeast + ((2 - weekday + 7) % 7);
}

export const hoursAfter = (start: Date, hours: number) => new Date(start.getTime() + hours * HOUR_MS);

/**
 * Everything in the seed is written in one transaction, so every row gets the same `now()`. The
 * services have no "when" parameter (they record the moment of the request), so the demo moves
 * rows back in time afterwards, the way a real circle's talk is spread over days.
 */
export async function backdate(
  manager: EntityManager,
  table: 'circle_posts' | 'circle_replies',
  id: string,
  hoursAgo: number,
): Promise<void> {
  await manager.query(
    `UPDATE ${table} SET created_at = now() - make_interval(hours => $2), updated_at = now() - make_interval(hours => $2) WHERE id = $1`,
    [id, hoursAgo],
  );
}
