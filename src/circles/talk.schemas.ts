import { z } from 'zod';
import { POST_KINDS } from './post.entities';
import { pageQuery } from './circles.schemas';

/**
 * The search form; anything malformed is read as "no filter", never an error page. Words past 200
 * characters are cut off rather than the whole query dropped (which would list everything).
 */
export const searchQuery = z.object({
  q: z
    .string()
    .catch('')
    .default('')
    .transform((q) => q.trim().slice(0, 200).trim()),
  kind: z.enum(POST_KINDS).optional().catch(undefined),
  unanswered: z
    .literal('yes')
    .optional()
    .catch(undefined)
    .transform((v) => v === 'yes'),
  module: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/)
    .optional()
    .catch(undefined),
  after: pageQuery.shape.after,
});

export const replyEditForm = z.object({
  body: z
    .string({ error: 'Write your reply.' })
    .trim()
    .min(1, 'Write your reply.')
    .max(10000, 'Keep your reply under 10000 characters.'),
});

/** `?milestone=<id>` on the feedback-request form (checked against the curriculum by the service). */
export const milestoneQuery = z.object({
  milestone: z.string().max(200).optional().catch(undefined),
});

/** The draft sent over from a milestone page's evidence form. */
export const draftForm = z.object({
  body: z.string().max(20000).catch('').default(''),
});

/** The feedback request itself: the circle chosen, title, draft and the milestone it is about. */
export const askFeedbackForm = z.object({
  circleId: z.uuid({ error: 'Choose the circle to ask.' }),
  title: z
    .string({ error: 'Enter a title.' })
    .trim()
    .min(1, 'Enter a title.')
    .max(200, 'Keep the title under 200 characters.'),
  body: z
    .string({ error: 'Paste your draft.' })
    .trim()
    .min(1, 'Paste your draft.')
    .max(20000, 'Keep the draft under 20000 characters.'),
  link: z.string().trim().max(300).default(''),
  conduct: z.literal('yes').optional(),
});
