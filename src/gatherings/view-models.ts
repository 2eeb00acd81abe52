import { formatRange, utcToZonedInput } from '../web/time-zones';
import { GATHERING_KIND_LABELS, GATHERING_KINDS, type Gathering } from './gathering.entities';
import type { PublicGathering } from './gatherings.service';

export const KIND_OPTIONS = GATHERING_KINDS.map((kind) => ({
  value: kind,
  label: kind === 'other' ? 'Other' : GATHERING_KIND_LABELS[kind],
}));

/**
 * A gathering as members see it: times in its own zone, and in the viewer's chapter's zone beside
 * them when that differs (like workshops).
 */
export function gatheringSummary(gathering: Gathering, viewerZone?: string, yes = 0) {
  const own = gathering.timeZone;
  const zone = viewerZone ?? own;
  const now = new Date();
  return {
    id: gathering.id,
    title: gathering.title,
    kindLabel: GATHERING_KIND_LABELS[gathering.kind],
    circleId: gathering.circleId,
    circleName: gathering.circle?.name ?? null,
    when: formatRange(gathering.startsAt, gathering.endsAt, own),
    viewerWhen: zone === own ? null : formatRange(gathering.startsAt, gathering.endsAt, zone),
    location: gathering.location,
    onlineUrl: gathering.onlineUrl,
    capacity: gathering.capacity,
    yes,
    full: gathering.capacity !== null && yes >= gathering.capacity,
    isPublic: gathering.isPublic,
    cancelled: Boolean(gathering.cancelledAt),
    started: gathering.startsAt <= now,
    ended: gathering.endsAt <= now,
  };
}

/** The public page of a public gathering: the fields meant for the chapter's public page only. */
export function publicSummary(gathering: PublicGathering) {
  return {
    title: gathering.title,
    kindLabel: gathering.kindLabel,
    when: formatRange(gathering.startsAt, gathering.endsAt, gathering.timeZone),
    location: gathering.location,
    online: gathering.online,
    chapterName: gathering.chapterName,
    cancelled: gathering.cancelled,
  };
}

/** Form values for editing: times back in the gathering's own zone. */
export function gatheringFormValues(gathering: Gathering): Record<string, string> {
  return {
    circleId: gathering.circleId,
    kind: gathering.kind,
    title: gathering.title,
    description: gathering.description,
    startsAt: utcToZonedInput(gathering.startsAt, gathering.timeZone),
    endsAt: utcToZonedInput(gathering.endsAt, gathering.timeZone),
    timeZone: gathering.timeZone,
    location: gathering.location,
    onlineUrl: gathering.onlineUrl ?? '',
    capacity: gathering.capacity === null ? '' : String(gathering.capacity),
    isPublic: gathering.isPublic ? 'yes' : '',
  };
}
