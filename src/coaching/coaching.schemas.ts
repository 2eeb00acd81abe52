import { z } from 'zod';
import { fields } from '../web/fields';

const links = z
  .string({ error: 'Links must be plain text, one per line.' })
  .default('')
  .transform((text) =>
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .url({
            protocol: /^https?$/,
            error: 'Each link must be a full web address starting with https:// or http://.',
          })
          .max(500, 'Each link can be at most 500 characters.'),
      )
      .max(5, 'Add at most 5 links.'),
  );

export const evidenceForm = z.object({
  body: fields.markdown('Your evidence', 10_000),
  links,
});

export const reviewForm = z.object({
  decision: z.enum(['approved', 'changes_requested'], { error: 'Choose approve or request changes.' }),
  feedback: fields.optionalMarkdown('Feedback', 10_000),
  revision: z.coerce.number({ error: 'Reload the page and try again.' }).int().min(1),
});

export const withdrawForm = z.object({ reason: fields.text('Reason', { max: 1000 }) });

export const assignForm = z.object({
  coachId: fields.uuid('Coach'),
  reason: fields.optionalText('Reason for the change', 1000),
  overrideCapacity: z
    .literal('yes')
    .optional()
    .transform((value) => value === 'yes'),
});

export const coachRequestForm = z.object({ message: fields.optionalText('Message', 1000) });

export const sessionForm = z.object({
  heldOn: z.iso
    .date({ error: 'Enter the date as YYYY-MM-DD.' })
    .refine((d) => d <= new Date().toISOString().slice(0, 10), 'The date cannot be in the future.'),
  durationMinutes: z.coerce
    .number({ error: 'Enter the length in minutes.' })
    .int('Enter whole minutes.')
    .min(1, 'Enter at least 1 minute.')
    .max(600, 'Enter at most 600 minutes.'),
  privateNotes: fields.optionalText('Private notes', 10_000),
  nextStep: fields.optionalText('Next step', 1000),
});
