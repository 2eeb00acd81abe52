import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { User } from '../accounts/user.entity';
import type { Recipient } from '../notifications/notify';
import { stateDistanceKm, US_STATES } from './places';

export interface Place {
  countryCode: string;
  stateCode: string | null;
}

/**
 * The chapter a request from `place` goes to: one in the same US state; else the one whose state's
 * centre is nearest; outside the US, one in the same country. Null when there is none: the academy's
 * admins answer it. Ties go to the oldest chapter, so the answer does not change from day to day.
 */
export async function nearestChapter(manager: EntityManager, place: Place): Promise<Chapter | null> {
  const chapters = await manager.find(Chapter, {
    where: { countryCode: place.countryCode },
    order: { createdAt: 'ASC', name: 'ASC' },
  });
  if (place.countryCode !== 'US' || !place.stateCode || !US_STATES[place.stateCode])
    return chapters[0] ?? null;
  const from = place.stateCode;
  let best: { chapter: Chapter; km: number } | null = null;
  for (const chapter of chapters) {
    if (!chapter.stateCode || !US_STATES[chapter.stateCode]) continue;
    const km = stateDistanceKm(from, chapter.stateCode);
    if (!best || km < best.km) best = { chapter, km };
  }
  return best?.chapter ?? null;
}

/**
 * Who answers requests of `chapterId`: its own active admins; where it has none (or for requests
 * of no chapter), the academy-wide admins.
 */
export async function answerersOf(manager: EntityManager, chapterId: string | null): Promise<Recipient[]> {
  const pick = { id: true, email: true, displayName: true } as const;
  const own = chapterId
    ? await manager.find(User, {
        select: pick,
        where: { role: 'admin', active: true, scopeChapterId: chapterId },
      })
    : [];
  if (own.length) return own;
  return manager.find(User, {
    select: pick,
    where: { role: 'admin', active: true, scopeChapterId: IsNull() },
  });
}
