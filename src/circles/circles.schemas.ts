import { z } from 'zod';
import { POST_KINDS } from './post.entities';

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `Keep ${label} under ${max} characters.`);

export const topicForm = z.object({
  name: text('a name', 120),
  description: z.string().trim().max(1000, 'Keep the description under 1000 characters.').default(''),
});

export const postForm = z.object({
  kind: z.enum(POST_KINDS, { error: 'Choose a story, an ask for help or a feedback request.' }),
  title: text('a title', 200),
  body: text('the text', 20000),
  /** What the post is about in the curriculum: `module:<id>`, `milestone:<id>` or '' (checked by the service). */
  link: z
    .string({ error: 'Choose a module or milestone from the list, or nothing.' })
    .trim()
    .max(300)
    .default(''),
});

export const editForm = postForm.pick({ title: true, body: true });

/** A reply; on feedback requests the two prompts are asked separately and joined under headings. */
export const replyForm = z
  .object({
    body: z.string().trim().max(10000, 'Keep your reply under 10000 characters.').default(''),
    works: z.string().trim().max(10000, 'Keep this under 10000 characters.').default(''),
    toTry: z.string().trim().max(10000, 'Keep this under 10000 characters.').default(''),
  })
  .refine((r) => r.body || r.works || r.toTry, { message: 'Write a reply first.', path: ['body'] })
  .transform((r) =>
    [r.works && `**What works**\n\n${r.works}`, r.toTry && `**What to try**\n\n${r.toTry}`, r.body]
      .filter(Boolean)
      .join('\n\n'),
  );

export const reasonForm = z.object({ reason: text('a reason', 1000) });
export const answerForm = z.object({ replyId: z.uuid({ error: 'Choose the reply that helped.' }) });
export const lockForm = z.object({ locked: z.enum(['yes', 'no']).default('yes') });

/** The cursor's time as toISOString writes it, in years PostgreSQL reads; then a uuid. */
const CURSOR =
  /^([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})$/i;

/**
 * ?after=<ISO time>~<uuid>: the last post of the previous page; anything else starts at the top.
 * The time is re-written by Date (so "February 31" cannot reach PostgreSQL as such).
 */
export const pageQuery = z.object({
  after: z
    .string()
    .regex(CURSOR)
    .transform((v) => {
      const [, time, id] = CURSOR.exec(v)!;
      const at = new Date(time);
      return { createdAt: Number.isNaN(at.getTime()) ? '' : at.toISOString(), id };
    })
    .refine((c) => /^[1-9]\d{3}-/.test(c.createdAt))
    .optional()
    .catch(undefined),
});
