import { z } from 'zod';
import { fields, withUtcTimes } from '../web/fields';
import { keysetToken } from '../web/pager';
import { GATHERING_KINDS, RSVP_ANSWERS } from './gathering.entities';

/** The gathering form; times are wall-clock times in the chosen zone and come out as UTC instants. */
export const gatheringForm = z
  .object({
    circleId: fields.uuid('Circle'),
    kind: fields.choice('Kind', GATHERING_KINDS),
    title: fields.line('Title', { max: 200 }),
    description: fields.optionalMarkdown('Description', 10_000),
    startsAt: fields.localDateTime('start'),
    endsAt: fields.localDateTime('end'),
    timeZone: fields.timeZone(),
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
    return withUtcTimes(input, ctx);
  });

export type GatheringForm = z.infer<typeof gatheringForm>;

export const rsvpForm = z.object({ answer: fields.choice('Answer', RSVP_ANSWERS) });

/** The list's filters live in the URL; bad values fall back to "all my circles, from the soonest". */
export const gatheringListQuery = z.object({
  circleId: fields.optionalUuid('Circle').catch(null),
  after: keysetToken(),
});
