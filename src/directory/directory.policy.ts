import type { SessionUser } from '../accounts/session-user';

/** A chapter's public page is edited by academy admins and by admins limited to that chapter. */
export function canEditChapterPage(actor: SessionUser | undefined, chapterId: string): boolean {
  return actor?.role === 'admin' && (!actor.scopeChapterId || actor.scopeChapterId === chapterId);
}

/**
 * Story publication is decided by academy admins anywhere, and by the admins of the chapter that owns
 * the story's circle (a chapter or cohort circle). Stories in circles without a chapter (topic, academy)
 * are decided by academy admins only.
 */
export function canDecideStory(actor: SessionUser | undefined, circleChapterId: string | null): boolean {
  if (actor?.role !== 'admin') return false;
  return !actor.scopeChapterId || (circleChapterId !== null && actor.scopeChapterId === circleChapterId);
}
