import type { EntityManager } from 'typeorm';
import { assertAdmin, assertInScope } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { EvidenceSubmission } from '../coaching/coaching.entities';
import type { Curriculum } from '../curriculum/curriculum.types';
import { NotFound } from '../web/errors';
import type { WorkshopsService } from '../workshops/workshops.service';

/** What a confirmation page shows before a destructive action: what happens and who is told. */
export interface Confirmation {
  pageTitle: string;
  heading: string;
  consequences: string[];
  told: string[];
  action: string;
  button: string;
  back: string;
  reason?: { label: string; maxlength: number };
}

const person = (user: Pick<User, 'displayName' | 'email'>) => `${user.displayName} (${user.email})`;

/** Cancelling a workshop: everyone registered or waitlisted is told. Facilitators and admins only. */
export async function confirmCancelWorkshop(
  manager: EntityManager,
  actor: SessionUser | undefined,
  workshops: WorkshopsService,
  workshopId: string,
): Promise<Confirmation> {
  await workshops.assertCanManage(manager, actor, workshopId);
  const workshop = await workshops.get(manager, workshopId);
  const people = await workshops.people(manager, workshopId);
  return {
    pageTitle: 'Cancel a workshop',
    heading: `Cancel “${workshop.title}”?`,
    consequences: [
      'The workshop disappears from the list and nobody can register or check in.',
      'Registrations are kept, so you can reinstate the workshop later if plans change.',
    ],
    told: people.map(person),
    action: `/workshops/${workshop.id}/cancel`,
    button: 'Cancel the workshop',
    back: `/workshops/${workshop.id}`,
  };
}

/** Withdrawing an approval: the organizer is told. Admins in scope only. */
export async function confirmWithdrawal(
  manager: EntityManager,
  actor: SessionUser | undefined,
  curriculum: Curriculum,
  submissionId: string,
): Promise<Confirmation> {
  const admin = assertAdmin(actor);
  const submission = await manager.findOne(EvidenceSubmission, { where: { id: submissionId } });
  if (!submission) throw new NotFound('That submission does not exist.');
  const organizer = await manager.findOneByOrFail(User, { id: submission.organizerId });
  assertInScope(admin, organizer.chapterId, 'That submission');
  const title =
    curriculum.milestoneById.get(submission.milestoneId)?.milestone.title ?? submission.milestoneId;
  return {
    pageTitle: 'Withdraw an approval',
    heading: `Withdraw the approval of ${organizer.displayName}’s evidence for “${title}”?`,
    consequences: [
      'The milestone is no longer complete (unless a certificate for its track was already issued).',
      'The coach’s review stays in the thread, marked as withdrawn with your reason.',
    ],
    told: [person(organizer)],
    action: `/admin/submissions/${submission.id}/withdraw`,
    button: 'Withdraw the approval',
    back: `/coach/submissions/${submission.id}`,
    reason: { label: `Reason (shown to ${organizer.displayName})`, maxlength: 1000 },
  };
}

/** Deactivating a person: they are signed out everywhere; nobody is emailed. Admins in scope only. */
export async function confirmDeactivation(
  manager: EntityManager,
  actor: SessionUser | undefined,
  userId: string,
): Promise<Confirmation> {
  const admin = assertAdmin(actor);
  const user = await manager.findOneBy(User, { id: userId });
  if (!user) throw new NotFound('That person does not exist.');
  assertInScope(admin, user.chapterId, 'That person');
  return {
    pageTitle: 'Deactivate a person',
    heading: `Deactivate ${user.displayName}?`,
    consequences: [
      `${user.displayName} is signed out on every device and can no longer sign in.`,
      'Their records, evidence and certificates stay; you can reactivate them later.',
    ],
    told: [],
    action: `/admin/people/${user.id}/deactivate`,
    button: `Deactivate ${user.displayName}`,
    back: `/admin/people/${user.id}`,
  };
}
