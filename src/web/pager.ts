import { z } from 'zod';

/** `after` / `before` from a pager link; anything else (or an over-long value) is ignored. */
export const pagePosition = z
  .object({
    after: z.string().max(1000).optional().catch(undefined),
    before: z.string().max(1000).optional().catch(undefined),
  })
  .transform(({ after, before }) => ({
    ...(after && !before && { after }),
    ...(before && { before }),
  }));

export interface PagerLinks {
  first: string | null;
  previous: string | null;
  next: string | null;
}

/**
 * Links for a short keyset pager (first, previous, next) that work without JavaScript; null where
 * there is no such page.
 */
export function pagerLinks(
  path: string,
  page: { next: string | null; previous: string | null },
  position: { after?: string; before?: string },
): PagerLinks | null {
  const link = (params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;
  const links = {
    first: page.previous || position.after || position.before ? path : null,
    previous: page.previous ? link({ before: page.previous }) : null,
    next: page.next ? link({ after: page.next }) : null,
  };
  return links.first || links.next ? links : null;
}

/**
 * The `after` parameter of a "later" link: a keyset token (URL-safe base64, at most `max`
 * characters); anything else is ignored, so the list starts from the first page.
 */
export const keysetToken = (max = 200) =>
  z
    .string()
    .regex(new RegExp(`^[A-Za-z0-9_-]{1,${max}}$`))
    .optional()
    .catch(undefined);

/**
 * The view model of a "later" pager: `laterLink` continues the list after `next` with the same
 * filters (empty ones left out), and `continued` says the page shown is not the first.
 */
export function laterPager(
  path: string,
  filters: Record<string, string | null | undefined>,
  next: string | null,
  after: string | undefined,
): { laterLink: string | null; continued: boolean } {
  const kept = Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]));
  const params = new URLSearchParams([...kept, ['after', next ?? '']]);
  return { laterLink: next ? `${path}?${params.toString()}` : null, continued: Boolean(after) };
}
