import { z } from 'zod';
import { fields } from '../web/fields';

/** Board filters live in the URL; bad values fall back to "any". */
export const boardQuery = z.object({
  chapterId: fields.optionalUuid('Chapter').catch(null),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{1,3}$/)
    .optional()
    .catch(undefined)
    .transform((v) => v ?? null),
  after: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z~[0-9a-f-]{36}$/i)
    .optional()
    .catch(undefined)
    .transform((v) => {
      if (!v) return null;
      const [at, id] = v.split('~');
      const date = new Date(at);
      return Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success ? null : { at: date, id };
    }),
});

export const listingQuery = z.object({
  chapterId: fields.optionalUuid('Chapter').catch(null),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
});

export const listingForm = z.object({
  skills: fields.optionalLine('Skills', 300),
  note: fields.optionalText('A short note', 500),
});

export const contactForm = z.object({
  name: fields.line('Your name', { max: 120 }),
  organisation: fields.line('Your organisation', { max: 200 }),
  email: fields.email(),
  message: fields.text('Your message', { min: 20, max: 4000 }),
  website: z.string().optional().default(''),
  started: z.string({ error: 'Please reload the page and write again.' }).max(200).default(''),
});
