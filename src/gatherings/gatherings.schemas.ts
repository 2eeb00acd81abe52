import { z } from 'zod';
import { fields } from '../web/fields';
import { positionId, positionParts, positionTime } from '../web/pager';
import { isTimeZone, zonedTimeToUtc } from '../web/time-zones';
import { GATHERING_KINDS, RSVP_ANSWERS } from './gathering.entities';

const localDateTime = (label: string) =>
  z
    .string({ error: `Enter the ${label}.` })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `Enter the ${label} as a date and time.`);

/** The gathering form; times are wall-clock times in the chosen zone and come out as UTC instants. */
export const gatheringForm = z
  .object({
    circleId: fields.uuid('Circle'),
    kind: fields.choice('Kind', GATHERING_KINDS),
    title: fields.line('Title', { max: 200 }),
    description: fields.optionalMarkdown('Description', 10_000),
    startsAt: localDateTime('start'),
    endsAt: localDateTime('end'),
    timeZone: z
      .string({ error: 'Choose a time zone.' })
      .refine(isTimeZone, 'Choose a time zone from the list, like America/New_York.'),
    location: fields.optionalLine('Place', 300),
    onlineUrl: z
      .union([
        z.literal(''),
        z
          .url({ protocol: /^https?$/, error: 'The online link must start with https:// or http://.' })
          .max(500, 'The online link can be at most 500 characters.'),
      ])
      .optional()
      .transform((value) => value || null),
    capacity: z
      .string({ error: 'Enter a whole number of places, or leave it empty.' })
      .trim()
      .optional()
      .refine((v) => !v || /^\d{1,6}$/.test(v), 'Enter a whole number of places, or leave it empty.')
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || v >= 1, 'Capacity must be at least 1 (or leave it empty for no limit).')
      .refine((v) => v === null || v <= 10_000, 'Capacity can be at most 10,000.'),
    isPublic: z
      .union([z.literal('yes'), z.literal('')])
      .optional()
      .transform((value) => value === 'yes'),
  })
  .transform((input, ctx) => {
    if (!input.location && !input.onlineUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['location'],
        message: 'Give a place, an online link, or both.',
      });
      return z.NEVER;
    }
    const startsAt = zonedTimeToUtc(input.startsAt, input.timeZone);
    const endsAt = zonedTimeToUtc(input.endsAt, input.timeZone);
    if (!startsAt || !endsAt) {
      ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'Enter valid dates and times.' });
      return z.NEVER;
    }
    return { ...input, startsAt, endsAt };
  });

export type GatheringForm = z.infer<typeof gatheringForm>;

export const rsvpForm = z.object({ answer: fields.choice('Answer', RSVP_ANSWERS) });

export const walkInForm = z.object({ email: fields.email() });

export const checkInForm = z.object({
  code: z
    .string({ error: 'Enter the six-digit code shown in the room.' })
    .trim()
    .regex(/^\d{3}[\s-]?\d{3}$/, 'Enter the six-digit code shown in the room.'),
});

/** The list's filters live in the URL; bad values fall back to "all my circles, from the soonest". */
export const gatheringListQuery = z.object({
  circleId: fields.optionalUuid('Circle').catch(null),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/)
    .optional()
    .catch(undefined),
});

/** A list position from the "Later gatherings" link; anything unreadable starts from the soonest. */
export function decodePosition(token: string | undefined): { startsAt: Date; id: string } | null {
  const [time, id] = positionParts(token) ?? [];
  const position = { startsAt: positionTime(time), id: positionId(id) };
  return position.startsAt && position.id ? { startsAt: position.startsAt, id: position.id } : null;
}
