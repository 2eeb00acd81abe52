import { z } from 'zod';
import { fields } from '../web/fields';
import { PROJECT_STATUSES } from './project.entities';

const MAX_LINKS = 10;

/** Links typed one per line: each must be an http(s) address; blank lines are dropped. */
const links = z
  .string({ error: 'Links must be plain text.' })
  .max(4000, 'Links can be at most 4000 characters in all.')
  .default('')
  .transform((text, ctx) => {
    const lines = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length > MAX_LINKS) {
      ctx.addIssue({ code: 'custom', message: `Give at most ${MAX_LINKS} links.` });
      return z.NEVER;
    }
    for (const line of lines) {
      let url: URL | undefined;
      try {
        url = new URL(line);
      } catch {
        url = undefined;
      }
      if (!url || !/^https?:$/.test(url.protocol) || line.length > 500) {
        ctx.addIssue({ code: 'custom', message: `"${line.slice(0, 60)}" is not a web address (https://…).` });
        return z.NEVER;
      }
    }
    return lines;
  });

const yes = z
  .string()
  .optional()
  .transform((value) => value === 'yes');

export const projectForm = z.object({
  name: fields.line('Name', { max: 120 }),
  partner: fields.optionalLine('Partner', 200),
  problem: fields.text('The problem', { max: 4000 }),
  status: fields.choice('Status', PROJECT_STATUSES),
  links,
  public: yes,
  leadId: fields.optionalUuid('Lead'),
});
export type ProjectInput = z.infer<typeof projectForm>;

export const newProjectForm = projectForm.extend({ chapterId: fields.uuid('Chapter') });
export type NewProjectInput = z.infer<typeof newProjectForm>;

export const impactForm = z.object({
  peopleHelped: z
    .string({ error: 'Enter how many people were helped.' })
    .trim()
    .regex(/^\d{1,9}$/, 'Enter a whole number of people, such as 120.')
    .transform(Number),
  unit: fields.line('Unit', { max: 60 }),
  method: fields.text('How it was counted', { max: 1000 }),
});
export type ImpactInput = z.infer<typeof impactForm>;

export const volunteerForm = z.object({ userId: fields.uuid('Volunteer') });

export const roleForm = z.object({
  title: fields.line('Role', { max: 120 }),
  commitment: fields.line('Time commitment', { max: 120 }),
  skills: fields.optionalLine('Skills', 300),
});
export type RoleInput = z.infer<typeof roleForm>;

export const roleOpenForm = z.object({ open: fields.choice('Open', ['yes', 'no'] as const) });

export const STATUS_LABELS: Record<(typeof PROJECT_STATUSES)[number], string> = {
  idea: 'Idea',
  active: 'Active',
  paused: 'Paused',
  done: 'Done',
};
