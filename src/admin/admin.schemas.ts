import { isTimeZone } from '../web/time-zones';
import { z } from 'zod';
import { ROLES } from '../accounts/roles';
import { fields } from '../web/fields';
import { keysetToken } from '../web/pager';
import { placeFields, STATE_MESSAGE, statePlausible } from '../directory/directory.schemas';

export const peopleQuery = z.object({
  q: z.string().trim().max(100, 'Search text can be at most 100 characters.').catch(''),
  role: z.enum(['', ...ROLES]).catch(''),
  chapterId: fields.optionalUuid('Chapter').catch(null),
  cohortId: fields.optionalUuid('Cohort').catch(null),
  status: z.enum(['', 'active', 'inactive']).catch(''),
  /** Where the page starts: the opaque position after the previous page's last person (keyset paging). */
  after: keysetToken(400),
});

export const personForm = z.object({
  role: fields.choice('Role', ROLES),
  chapterId: fields.optionalUuid('Chapter'),
  cohortId: fields.optionalUuid('Cohort'),
  // Absent (the field is only shown for admins) means "leave as it is"; empty means "whole academy".
  scopeChapterId: z
    .union([z.literal(''), z.uuid({ error: 'Choose a valid chapter.' })], {
      error: 'Choose a valid chapter.',
    })
    .optional()
    .transform((value) => (value === undefined ? undefined : value || null)),
  coachCapacity: z.coerce
    .number({ error: 'Enter a number of organizers.' })
    .int('Enter a whole number.')
    .min(0, 'Capacity cannot be negative.')
    .max(100, 'Capacity can be at most 100.')
    .optional(),
});

export const chapterForm = z
  .object({
    name: fields.line('Chapter name', { max: 120 }),
    region: fields.optionalLine('City or region', 120),
    timeZone: z
      .string()
      .optional()
      .refine((zone) => !zone || isTimeZone(zone), 'Choose a time zone from the list, like America/New_York.')
      .transform((zone) => zone || null),
    ...placeFields,
  })
  .refine(statePlausible, STATE_MESSAGE);

/** `role` comes from a fixed list; anything else (or a missing value) is refused with a message. */
export const inviteForm = z.object({
  email: fields.email(),
  role: fields.choice('Role', ROLES),
  chapterId: fields.optionalUuid('Chapter'),
});

export const cohortForm = z.object({
  name: fields.line('Cohort name', { max: 120 }),
  chapterId: fields.optionalUuid('Chapter'),
});
