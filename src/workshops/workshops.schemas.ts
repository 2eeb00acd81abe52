import { z } from 'zod';
import { fields } from '../web/fields';
import { keysetToken } from '../web/pager';
import { isTimeZone, zonedTimeToUtc } from '../web/time-zones';

const localDateTime = (label: string) =>
  z
    .string({ error: `Enter the ${label}.` })
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `Enter the ${label} as a date and time.`);

/** The workshop form; times are wall-clock times in the chosen zone and come out as UTC instants. */
export const workshopForm = z
  .object({
    title: fields.line('Title', { max: 200 }),
    description: fields.optionalMarkdown('Description', 10_000),
    milestoneIds: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
    startsAt: localDateTime('start'),
    endsAt: localDateTime('end'),
    timeZone: z
      .string({ error: 'Choose a time zone.' })
      .refine(isTimeZone, 'Choose a time zone from the list, like America/New_York.'),
    location: fields.optionalLine('Location', 300),
    onlineUrl: z
      .union([
        z.literal(''),
        z
          .url({ protocol: /^https?$/, error: 'The online link must start with https:// or http://.' })
          .max(500),
      ])
      .optional()
      .transform((value) => value || null),
    capacity: z.coerce
      .number({ error: 'Enter the number of seats.' })
      .int('Enter a whole number of seats.')
      .min(1, 'Capacity must be at least 1.')
      .max(10_000, 'Capacity can be at most 10,000.'),
    chapterId: fields.optionalUuid('Chapter'),
    public: z
      .string()
      .optional()
      .transform((value) => value === 'yes'),
  })
  .transform((input, ctx) => {
    const startsAt = zonedTimeToUtc(input.startsAt, input.timeZone);
    const endsAt = zonedTimeToUtc(input.endsAt, input.timeZone);
    if (!startsAt || !endsAt) {
      ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'Enter valid dates and times.' });
      return z.NEVER;
    }
    return { ...input, startsAt, endsAt };
  });

export const workshopFilter = z.object({
  chapterId: fields.optionalUuid('Chapter').catch(null),
  milestoneId: z
    .string()
    .max(200)
    .optional()
    .catch(undefined)
    .transform((v) => v || null),
  /** Where the upcoming list continues: after the previous page's last workshop (keyset paging). */
  after: keysetToken(),
});

/** A person added by email (walk-ins on an attendance sheet), for workshops and gatherings. */
export const walkInForm = z.object({ email: fields.email() });

/** The six-digit code shown in the room (a space or dash in the middle is fine), for workshops and gatherings. */
export const checkInForm = z.object({
  code: z
    .string({ error: 'Enter the six-digit code shown in the room.' })
    .trim()
    .regex(/^\d{3}[\s-]?\d{3}$/, 'Enter the six-digit code shown in the room.'),
});
