import { z } from 'zod';
import { fields } from '../web/fields';
import { INTENTS, PARTNER_KINDS, PARTNER_STATUSES } from './door.entities';
import { OTHER_COUNTRIES, US_STATES } from './places';

const COUNTRY_CODES = new Set(OTHER_COUNTRIES.map((c) => c.code));
const stateOrEmpty = z
  .string({ error: 'Choose a state from the list.' })
  .trim()
  .default('')
  .refine((s) => s === '' || s in US_STATES, 'Choose a state from the list.');

/** The join form: a US state, or a country (and region) outside the US. */
export const joinForm = z
  .object({
    name: fields.line('Your name', { max: 120 }),
    email: fields.email(),
    state: stateOrEmpty,
    country: z.string({ error: 'Choose a country from the list.' }).trim().default(''),
    region: fields.optionalLine('Region or city', 120),
    intent: fields.choice('What you would like to do', INTENTS),
    note: fields.optionalText('Your note', 1000),
  })
  .superRefine((form, ctx) => {
    if (form.state && form.country)
      ctx.addIssue({ code: 'custom', path: ['country'], message: 'Choose a state or a country, not both.' });
    else if (!form.state && !COUNTRY_CODES.has(form.country))
      ctx.addIssue({
        code: 'custom',
        path: ['state'],
        message: 'Choose your state, or (outside the United States) your country.',
      });
  })
  .transform(({ state, country, ...rest }) => ({
    ...rest,
    countryCode: state ? 'US' : country,
    stateCode: state || null,
    region: state ? '' : rest.region,
  }));

const today = () => new Date().toISOString().slice(0, 10);

/** YYYY-MM-DD naming a real day: Date.parse alone takes "2027-02-30" (as 2 March), PostgreSQL does not. */
function isCalendarDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const at = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === d;
}

/** The partner form: who, what they need, by when, and which chapter (or the nearest to a state). */
export const partnerForm = z
  .object({
    organisation: fields.line('Organisation', { max: 200 }),
    contactName: fields.line('Your name', { max: 120 }),
    contactEmail: fields.email(),
    kind: fields.choice('Kind of organisation', PARTNER_KINDS),
    need: fields.text('What you need', { max: 4000 }),
    deadline: z
      .string()
      .trim()
      .default('')
      .refine((d) => d === '' || isCalendarDate(d), {
        message: 'Enter the deadline as a date, like 2027-03-31.',
      })
      .refine(
        (d) => d === '' || d >= today(),
        'The deadline has passed; choose a later date or leave it empty.',
      ),
    chapterId: fields.optionalUuid('Chapter'),
    nearState: stateOrEmpty,
  })
  .superRefine((form, ctx) => {
    if (!form.chapterId && !form.nearState)
      ctx.addIssue({
        code: 'custom',
        path: ['chapterId'],
        message: 'Choose a chapter, or the state you are in so we find the nearest one.',
      });
  })
  .transform((form) => ({
    ...form,
    deadline: form.deadline || null,
    nearState: form.chapterId ? null : form.nearState,
  }));

export const moveForm = z.object({
  to: fields.choice('Status', PARTNER_STATUSES),
  noteForPartner: fields.optionalText('Note for the partner', 2000),
  internalNote: fields.optionalText('Internal note', 2000),
});

export const replyForm = z.object({ message: fields.text('Your reply', { max: 4000 }) });
export const introduceForm = z.object({
  userId: fields.uuid('Person'),
  message: fields.optionalText('Message', 1000),
});
export const answerForm = z.object({
  answer: z.enum(['accept', 'decline'], { error: 'Choose yes or no.' }),
});
