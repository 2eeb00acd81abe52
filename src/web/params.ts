import type { Request } from 'express';
import { z } from 'zod';
import { NotFound } from './errors';

const uuid = z.uuid();

/** The :id route parameter, or NotFound when it is not even shaped like an id. */
export function idOf(req: Request): string {
  const parsed = uuid.safeParse(req.params.id);
  if (!parsed.success) throw new NotFound();
  return parsed.data;
}
