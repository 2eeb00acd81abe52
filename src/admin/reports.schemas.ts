import { z } from 'zod';
import { fields } from '../web/fields';

/** A YYYY-MM-DD date field, as a UTC midnight. */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
  .transform((value) => new Date(`${value}T00:00:00Z`));

/** Report filters live in the URL so a view can be shared; bad values fall back to defaults. */
export const reportQuery = z.object({
  chapterId: fields.optionalUuid('Chapter').catch(null),
  cohortId: fields.optionalUuid('Cohort').catch(null),
  trackId: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/)
    .optional()
    .catch(undefined)
    .transform((value) => value ?? null),
  from: isoDay.optional().catch(undefined),
  to: isoDay.optional().catch(undefined),
});

export type ReportQuery = z.infer<typeof reportQuery>;

const DAY_MS = 86_400_000;

/** The last 12 weeks by default; a reversed range is swapped; at most three years. */
export function dateRange(
  query: ReportQuery,
  today = new Date(),
): { from: Date; to: Date; note: string | null } {
  const end = new Date(`${today.toISOString().slice(0, 10)}T00:00:00Z`);
  let to = query.to ?? end;
  let from = query.from ?? new Date(to.getTime() - 83 * DAY_MS);
  let note: string | null = null;
  if (from > to) {
    [from, to] = [to, from];
    note = 'The start date was after the end date; they were swapped.';
  }
  if (to.getTime() - from.getTime() > 3 * 366 * DAY_MS) {
    from = new Date(to.getTime() - 3 * 366 * DAY_MS);
    note = 'Reports cover at most three years; the start date was moved.';
  }
  return { from, to, note };
}
