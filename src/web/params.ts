import type { Request } from 'express';
import { z } from 'zod';
import { NotFound } from './errors';

const uuid = z.uuid();

/** A uuid route parameter (`:id` unless named), or NotFound when it is not even shaped like an id. */
export function idOf(req: Request, name = 'id'): string {
  const parsed = uuid.safeParse(req.params[name]);
  if (!parsed.success) throw new NotFound();
  return parsed.data;
}
