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
  body: fields.text('Your evidence', { max: 10_000 }),
  links,
});

export const reviewForm = z.object({
  decision: z.enum(['approved', 'changes_requested'], { error: 'Choose approve or request changes.' }),
  feedback: fields.optionalText('Feedback', 10_000),
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
