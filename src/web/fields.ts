import { z } from 'zod';
import { nestingWithinLimit, TOO_DEEPLY_NESTED } from './markdown-nesting';
import { isTimeZone, zonedTimeToUtc } from './time-zones';
import { formatCount } from './format';

/** Reusable form fields with messages a person can act on. Form values always arrive as strings. */
export const fields = {
  text: (label: string, { min = 1, max = 200 }: { min?: number; max?: number } = {}) =>
    z
      .string({ error: `${label} must be plain text.` })
      .trim()
      .min(
        min,
        min === 1
          ? `Enter ${label.toLowerCase()}.`
          : `${label} needs at least ${formatCount(min)} characters.`,
      )
      .max(max, `${label} can be at most ${formatCount(max)} characters.`),

  /** One line of text (names, titles, places): line breaks are refused, they would leak into mail and calendars. */
  line: (label: string, options: { min?: number; max?: number } = {}) =>
    fields.text(label, options).refine((text) => !/[\r\n]/.test(text), `${label} must fit on one line.`),

  optionalLine: (label: string, max = 200) =>
    fields.optionalText(label, max).refine((text) => !/[\r\n]/.test(text), `${label} must fit on one line.`),

  /** Markdown the app renders later: too-deep nesting is refused now, while the person can fix it. */
  markdown: (label: string, max: number) =>
    fields.text(label, { max }).refine(nestingWithinLimit, `${label} ${TOO_DEEPLY_NESTED}`),

  optionalMarkdown: (label: string, max: number) =>
    fields.optionalText(label, max).refine(nestingWithinLimit, `${label} ${TOO_DEEPLY_NESTED}`),

  optionalText: (label: string, max = 200) =>
    z
      .string({ error: `${label} must be plain text.` })
      .trim()
      .max(max, `${label} can be at most ${formatCount(max)} characters.`)
      .default(''),

  email: () =>
    z
      .string({ error: 'Enter an email address.' })
      .trim()
      .toLowerCase()
      .min(1, 'Enter an email address.')
      .max(254, 'That email address is too long.')
      .pipe(z.email({ error: 'Enter an email address like name@example.org.' })),

  /** Passwords are never trimmed: every character counts. Strength rules live in the service. */
  password: (label = 'Password') =>
    z.string({ error: `Enter ${label.toLowerCase()}.` }).min(1, `Enter ${label.toLowerCase()}.`),

  uuid: (label: string) => z.uuid({ error: `Choose a valid ${label.toLowerCase()}.` }),

  /** A select whose empty option means "none". */
  optionalUuid: (label: string) => {
    // The message goes on the uuid branch too: zod reports that branch's own issue ("Invalid UUID")
    // for a malformed string instead of the union's.
    const error = `Choose a valid ${label.toLowerCase()}.`;
    return z
      .union([z.literal(''), z.uuid({ error })], { error })
      .optional()
      .transform((value) => (value ? value : null));
  },

  choice: <T extends readonly [string, ...string[]]>(label: string, values: T) =>
    z.enum(values, { error: `Choose a valid ${label.toLowerCase()}.` }),

  /** A wall-clock date and time from a `datetime-local` input ("the start", "the end"); its zone is another field. */
  localDateTime: (label: string) =>
    z
      .string({ error: `Enter the ${label}.` })
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `Enter the ${label} as a date and time.`),

  /** An IANA time zone from the list. */
  timeZone: () =>
    z
      .string({ error: 'Choose a time zone.' })
      .refine(isTimeZone, 'Choose a time zone from the list, like America/New_York.'),
};

/**
 * For an event form's final transform: its wall-clock `startsAt` and `endsAt` in `timeZone` as UTC
 * instants; a time that does not exist there is a message on the start.
 */
export function withUtcTimes<T extends { startsAt: string; endsAt: string; timeZone: string }>(
  input: T,
  ctx: z.RefinementCtx,
): Omit<T, 'startsAt' | 'endsAt'> & { startsAt: Date; endsAt: Date } {
  const startsAt = zonedTimeToUtc(input.startsAt, input.timeZone);
  const endsAt = zonedTimeToUtc(input.endsAt, input.timeZone);
  if (!startsAt || !endsAt) {
    ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'Enter valid dates and times.' });
    return z.NEVER;
  }
  return { ...input, startsAt, endsAt };
}
