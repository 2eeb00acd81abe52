import type { SessionUser } from '../accounts/session-user';

/** What the access rules need to know about one project. */
export interface ProjectFacts {
  chapterId: string;
  leadId: string | null;
}

/** Admins of the whole academy, and admins limited to this chapter. */
export function isChapterAdmin(actor: SessionUser, chapterId: string): boolean {
  return actor.role === 'admin' && (!actor.scopeChapterId || actor.scopeChapterId === chapterId);
}

/** Who edits a project, records its impact, lists its roles and sees who is interested: its chapter's admins and its lead. */
export function canManage(actor: SessionUser, project: ProjectFacts): boolean {
  return isChapterAdmin(actor, project.chapterId) || actor.id === project.leadId;
}

/** Who sees a project's page inside the app: its managers, its volunteers and its chapter's members. */
export function canSee(actor: SessionUser, project: ProjectFacts, volunteer: boolean): boolean {
  return canManage(actor, project) || volunteer || actor.chapterId === project.chapterId;
}
