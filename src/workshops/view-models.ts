import type { Curriculum } from '../curriculum/curriculum.types';
import type { Workshop } from './workshop.entities';
import { formatRange, formatTime, utcToZonedInput } from '../web/time-zones';
import type { ShownCode } from './check-in-codes';

/**
 * Times are shown in the workshop's own zone (where it is held); when the viewer's chapter is in
 * another zone, the time there is shown as well.
 */
export function workshopSummary(
  workshop: Workshop,
  curriculum: Curriculum,
  counts?: { registered: number; waitlisted: number },
  viewerZone?: string,
) {
  const zone = viewerZone ?? workshop.chapter?.timeZone ?? workshop.timeZone;
  const own = workshop.timeZone;
  return {
    id: workshop.id,
    title: workshop.title,
    when: formatRange(workshop.startsAt, workshop.endsAt, own),
    viewerWhen: zone === own ? null : formatRange(workshop.startsAt, workshop.endsAt, zone),
    startsAtUtc: workshop.startsAt.toISOString(),
    location: workshop.location,
    onlineUrl: workshop.onlineUrl,
    chapterName: workshop.chapter?.name ?? null,
    capacity: workshop.capacity,
    registered: counts?.registered ?? 0,
    waitlisted: counts?.waitlisted ?? 0,
    cancelled: Boolean(workshop.cancelledAt),
    started: workshop.startsAt <= new Date(),
    ended: workshop.endsAt <= new Date(),
    milestones: workshop.milestoneIds.map((id) => {
      const found = curriculum.milestoneById.get(id);
      return {
        id,
        title: found?.milestone.title ?? id,
        url: found ? `/tracks/${found.module.trackId}/${found.module.id}` : undefined,
      };
    }),
  };
}

/** Form values for editing: times back in the workshop's own zone. */
export function workshopFormValues(workshop: Workshop): Record<string, string> {
  return {
    title: workshop.title,
    description: workshop.description,
    startsAt: utcToZonedInput(workshop.startsAt, workshop.timeZone),
    endsAt: utcToZonedInput(workshop.endsAt, workshop.timeZone),
    timeZone: workshop.timeZone,
    location: workshop.location,
    onlineUrl: workshop.onlineUrl ?? '',
    capacity: String(workshop.capacity),
    chapterId: workshop.chapterId ?? '',
    public: workshop.public ? 'yes' : '',
  };
}

export function workshopMilestoneOptions(curriculum: Curriculum) {
  return curriculum.milestones
    .filter(({ milestone }) => milestone.kind === 'workshop')
    .map(({ milestone, module }) => ({ id: milestone.id, title: `${milestone.title} (${module.title})` }));
}

/**
 * The check-in code page of a workshop or gathering: the code (null outside the window), when it
 * changes in `timeZone`, and how long until the page reloads itself (a second after the change, so
 * the new code is current; no script needed).
 */
export function checkInCodeModel(shown: ShownCode | null, timeZone: string) {
  return {
    code: shown?.code ?? null,
    changesAt: shown ? formatTime(shown.changesAt, timeZone) : null,
    refreshSeconds: shown
      ? Math.max(1, Math.ceil((shown.changesAt.getTime() - Date.now()) / 1000) + 1)
      : null,
  };
}

/** What a person who entered the right code is told. */
export const checkedInMessage = (result: 'checked-in' | 'already') =>
  result === 'checked-in' ? 'You are checked in. Welcome!' : 'You were already checked in.';
