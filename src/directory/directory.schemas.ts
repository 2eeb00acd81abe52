import { z } from 'zod';
import { fields } from '../web/fields';
import { countryName, usStateName } from './places';

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep ${label} under ${max} characters.`)
    .optional()
    .transform((v) => v ?? '');

const webAddress = (value: string) => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * A place: a country (ISO 3166-1 alpha-2) and, in the US, a state (or DC, PR); elsewhere an optional
 * subdivision code of up to three letters or digits. Shared by the chapter form and the page editor.
 */
export const placeFields = {
  countryCode: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => v || 'US')
    .refine((v) => countryName(v) !== undefined, 'Enter a two-letter country code, like US, CA or DE.'),
  stateCode: z
    .string()
    .trim()
    .toUpperCase()
    .max(3, 'Enter a state or region code of up to three letters, like MA.')
    .regex(/^[A-Z0-9]*$/, 'Enter a state or region code of letters and digits only, like MA.')
    .optional()
    .transform((v) => v || null),
};

/** In the US a state is one of the 50, DC or PR (or not yet known). */
export const statePlausible = (place: { countryCode: string; stateCode: string | null }) =>
  place.countryCode !== 'US' || place.stateCode === null || usStateName(place.stateCode) !== undefined;
export const STATE_MESSAGE = { message: 'Choose a US state, DC or PR from the list.', path: ['stateCode'] };

export const SLUG_RULE = 'Use 2 to 60 lower-case letters, digits and single hyphens, like code-for-boston.';

/** The chapter's public page, as its admins edit it. */
export const chapterPageForm = z
  .object({
    slug: z
      .string({ error: SLUG_RULE })
      .trim()
      .min(2, SLUG_RULE)
      .max(60, SLUG_RULE)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, SLUG_RULE),
    about: fields.optionalMarkdown('About the chapter', 10000),
    meetingWhen: fields.optionalLine('When you meet', 300),
    meetingWhere: fields.optionalLine('Where you meet', 300),
    contact: fields
      .optionalLine('Contact', 300)
      .refine(
        (v) => !v || z.email().safeParse(v).success || webAddress(v),
        'Enter an email address or a web address starting with https://.',
      ),
    links: optionalText('the links', 2000)
      .transform((v) =>
        v
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean),
      )
      .refine((lines) => lines.length <= 10, 'List at most 10 links.')
      .refine((lines) => lines.every(webAddress), 'Put one web address a line, each starting with https://.')
      .transform((lines) => lines.join('\n')),
    listed: z
      .string()
      .optional()
      .transform((v) => v === 'yes'),
    ...placeFields,
  })
  .refine(statePlausible, STATE_MESSAGE);
export type ChapterPageInput = z.infer<typeof chapterPageForm>;

export const reasonForm = z.object({
  reason: z
    .string({ error: 'Give the author a reason.' })
    .trim()
    .min(1, 'Give the author a reason.')
    .max(1000, 'Keep the reason under 1000 characters.'),
});
