import { z } from 'zod';
import { fields, withUtcTimes } from '../web/fields';
import { keysetToken } from '../web/pager';

/** The workshop form; times are wall-clock times in the chosen zone and come out as UTC instants. */
export const workshopForm = z
  .object({
    title: fields.line('Title', { max: 200 }),
    description: fields.optionalMarkdown('Description', 10_000),
    milestoneIds: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
    startsAt: fields.localDateTime('start'),
    endsAt: fields.localDateTime('end'),
    timeZone: fields.timeZone(),
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
  .transform(withUtcTimes);

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
