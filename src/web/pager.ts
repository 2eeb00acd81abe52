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
