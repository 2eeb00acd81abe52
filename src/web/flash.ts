import type { Request } from 'express';

/** Queues a one-time message for the next page this person sees (post/redirect/get). */
export function flash(req: Request, kind: 'success' | 'error', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}
