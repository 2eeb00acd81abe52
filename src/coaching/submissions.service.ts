import { preparedRead } from '../db/prepared-read';
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { assertAdmin, assertInScope, assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import type { Curriculum } from '../curriculum/curriculum.types';
import type { ProgressService } from '../curriculum/progress.service';
import { notify } from '../notifications/notify';
import { uniqueViolation } from '../web/database-errors';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { assertCanReview, organizerAccess } from './coaching.policy';
import { CoachAssignment, EvidenceSubmission, SubmissionReview } from './coaching.entities';

export interface EvidenceInput {
  body: string;
  links: string[];
}

export interface ReviewInput {
  decision: 'approved' | 'changes_requested';
  feedback: string;
  revision: number;
}

/** Evidence for coach milestones, reviews, and withdrawal of approvals. */
export class SubmissionsService {
  constructor(
    private readonly curriculum: () => Curriculum,
    private readonly progress: ProgressService,
    private readonly baseUrl: string,
  ) {}

  private coachMilestone(milestoneId: string) {
    const found = this.curriculum().milestoneById.get(milestoneId);
    if (!found) throw new NotFound('There is no such milestone.');
    if (found.milestone.kind !== 'coach')
      throw new ValidationFailed(
        {},
        'This milestone is completed by attending a workshop, not by submitting evidence.',
      );
    return found;
  }

  /** Every submission and review for one organizer and milestone, oldest first. */
  async thread(
    manager: EntityManager,
    actor: SessionUser | undefined,
    organizerId: string,
    milestoneId: string,
  ) {
    const access = await organizerAccess(manager, actor, organizerId);
    this.coachMilestone(milestoneId);
    const submissions = await manager.find(EvidenceSubmission, {
      where: { organizerId, milestoneId },
      order: { attempt: 'ASC' },
    });
    const reviews = submissions.length
      ? await manager
          .createQueryBuilder(SubmissionReview, 'review')
          .leftJoinAndSelect('review.reviewer', 'reviewer')
          .where('review.submission_id IN (:...ids)', { ids: submissions.map((s) => s.id) })
          .getMany()
      : [];
    return { access, submissions, reviews };
  }

  /** Submits evidence (a new attempt). Throws Conflict while an earlier one is waiting or approved. */
  async submit(
    manager: EntityManager,
    actor: SessionUser | undefined,
    milestoneId: string,
    input: EvidenceInput,
  ): Promise<EvidenceSubmission> {
    const organizer = assertSignedIn(actor);
    const { milestone } = this.coachMilestone(milestoneId);
    const previous = await manager.findOne(EvidenceSubmission, {
      where: { organizerId: organizer.id, milestoneId },
      order: { attempt: 'DESC' },
    });
    if (previous?.status === 'pending')
      throw new Conflict('Your evidence is already waiting for review; edit it instead.');
    if (previous?.status === 'approved') throw new Conflict('This milestone is already signed off.');
    let submission: EvidenceSubmission;
    try {
      submission = await manager.save(
        manager.create(EvidenceSubmission, {
          organizerId: organizer.id,
          milestoneId,
          attempt: (previous?.attempt ?? 0) + 1,
          ...input,
        }),
      );
    } catch (error) {
      if (uniqueViolation(error))
        throw new Conflict('This evidence was already submitted (perhaps a double click).');
      throw error;
    }
    await recordAudit(manager, {
      actorId: organizer.id,
      action: 'coaching.submitted',
      subjectType: 'submission',
      subjectId: submission.id,
      details: { milestoneId, attempt: submission.attempt },
    });
    const assignment = await manager.findOne(CoachAssignment, {
      where: { organizerId: organizer.id, endedAt: IsNull() },
      relations: { coach: true },
    });
    if (assignment?.coach) {
      await notify(manager, this.baseUrl, {
        to: assignment.coach,
        kind: 'evidence',
        title: `${organizer.displayName} submitted evidence: ${milestone.title}`,
        body: `${organizer.displayName} submitted evidence for “${milestone.title}”. It waits for your review.`,
        link: `/coach/submissions/${submission.id}`,
        emailText: `Hello ${assignment.coach.displayName},\n\n${organizer.displayName} submitted evidence for “${milestone.title}”. Review it here:\n\n${this.baseUrl}/coach/submissions/${submission.id}\n`,
      });
    }
    return submission;
  }

  /** Edits evidence still waiting for review; its revision number goes up so stale reviews are refused. */
  async edit(
    manager: EntityManager,
    actor: SessionUser | undefined,
    submissionId: string,
    input: EvidenceInput,
  ): Promise<EvidenceSubmission> {
    const organizer = assertSignedIn(actor);
    const submission = await manager.findOne(EvidenceSubmission, {
      where: { id: submissionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!submission) throw new NotFound('That submission does not exist.');
    if (submission.organizerId !== organizer.id) throw new Forbidden('You can only edit your own evidence.');
    if (submission.status !== 'pending')
      throw new Conflict('This evidence was already reviewed; submit a new version instead.');
    Object.assign(submission, input, { revision: submission.revision + 1, updatedAt: new Date() });
    await manager.save(submission);
    await recordAudit(manager, {
      actorId: organizer.id,
      action: 'coaching.submission_edited',
      subjectType: 'submission',
      subjectId: submission.id,
      details: { revision: submission.revision },
    });
    return submission;
  }

  async find(manager: EntityManager, actor: SessionUser | undefined, submissionId: string) {
    const submission = await manager.findOne(EvidenceSubmission, {
      where: { id: submissionId },
      relations: { organizer: true },
    });
    if (!submission) throw new NotFound('That submission does not exist.');
    const access = await organizerAccess(manager, actor, submission.organizerId);
    return { submission: submission as EvidenceSubmission & { organizer: User }, access };
  }

  /**
   * Approves or requests changes. Only the current coach or an admin; the revision must be the one
   * the reviewer read; one review per submission (a unique index), so a double click records one.
   * Approval completes the milestone through the progress hook, in this transaction.
   */
  async review(
    manager: EntityManager,
    actor: SessionUser | undefined,
    submissionId: string,
    input: ReviewInput,
  ): Promise<EvidenceSubmission> {
    const submission = await manager.findOne(EvidenceSubmission, {
      where: { id: submissionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!submission) throw new NotFound('That submission does not exist.');
    const reviewer = await assertCanReview(manager, actor, submission.organizerId);
    if (submission.status !== 'pending') throw new Conflict('This evidence has already been reviewed.');
    if (submission.revision !== input.revision) {
      throw new Conflict(
        'The organizer changed this evidence after you opened it. Read the new version, then review again.',
      );
    }
    if (input.decision === 'changes_requested' && !input.feedback.trim()) {
      throw new ValidationFailed({ feedback: 'Say what should change so the organizer can act on it.' });
    }
    try {
      await manager.save(
        manager.create(SubmissionReview, {
          submissionId,
          reviewerId: reviewer.id,
          decision: input.decision,
          feedback: input.feedback,
        }),
      );
    } catch (error) {
      if (uniqueViolation(error)) throw new Conflict('This evidence has already been reviewed.');
      throw error;
    }
    submission.status = input.decision;
    await manager.save(submission);
    if (input.decision === 'approved') {
      await this.progress.milestoneCompleted(manager, {
        userId: submission.organizerId,
        milestoneId: submission.milestoneId,
        source: 'coach',
      });
    }
    await recordAudit(manager, {
      actorId: reviewer.id,
      action: input.decision === 'approved' ? 'coaching.approved' : 'coaching.changes_requested',
      subjectType: 'submission',
      subjectId: submission.id,
      details: { milestoneId: submission.milestoneId, revision: submission.revision },
    });
    const organizer = await manager.findOneByOrFail(User, { id: submission.organizerId });
    const title =
      this.curriculum().milestoneById.get(submission.milestoneId)?.milestone.title ?? submission.milestoneId;
    await notify(manager, this.baseUrl, {
      to: organizer,
      kind: 'feedback',
      title: input.decision === 'approved' ? `Signed off: ${title}` : `Changes requested: ${title}`,
      body: `${reviewer.displayName} reviewed your evidence for “${title}”.`,
      link: `/me/milestones/${submission.milestoneId}`,
      emailText: `Hello ${organizer.displayName},\n\n${reviewer.displayName} reviewed your evidence for “${title}”. Read the feedback here:\n\n${this.baseUrl}/me/milestones/${submission.milestoneId}\n`,
    });
    return submission;
  }

  /** An admin withdraws an approval with a reason; the milestone is no longer complete. */
  async withdrawApproval(
    manager: EntityManager,
    actor: SessionUser | undefined,
    submissionId: string,
    reason: string,
  ): Promise<{ submission: EvidenceSubmission; keptCertified: boolean }> {
    const admin = assertAdmin(actor);
    const submission = await manager.findOne(EvidenceSubmission, {
      where: { id: submissionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!submission) throw new NotFound('That submission does not exist.');
    const organizer = await manager.findOneByOrFail(User, { id: submission.organizerId });
    assertInScope(admin, organizer.chapterId, 'That submission');
    if (submission.status !== 'approved')
      throw new Conflict('Only an approved submission can have its approval withdrawn.');
    if (!reason.trim()) throw new ValidationFailed({ reason: 'Say why the approval is withdrawn.' });
    await manager.update(
      SubmissionReview,
      { submissionId },
      { withdrawnAt: new Date(), withdrawnById: admin.id, withdrawReason: reason },
    );
    submission.status = 'withdrawn';
    await manager.save(submission);
    const undo = await this.progress.milestoneUncompleted(manager, {
      userId: submission.organizerId,
      milestoneId: submission.milestoneId,
    });
    const keptCertified = undo === 'kept-certified';
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'coaching.approval_withdrawn',
      subjectType: 'submission',
      subjectId: submission.id,
      details: { reason, ...(keptCertified && { completionKept: 'certificate already issued' }) },
    });
    const title =
      this.curriculum().milestoneById.get(submission.milestoneId)?.milestone.title ?? submission.milestoneId;
    await notify(manager, this.baseUrl, {
      to: organizer,
      kind: 'feedback',
      title: `Approval withdrawn: ${title}`,
      body: `An admin withdrew the approval of your evidence for “${title}”. The reason given: ${reason}`,
      link: `/me/milestones/${submission.milestoneId}`,
    });
    return { submission, keptCertified };
  }

  /**
   * Waiting evidence from the coach's current organizers, oldest first: only what the dashboard
   * lists (no evidence bodies). The users lookup stays a per-row index probe (OFFSET 0 keeps the
   * planner from hash-joining the whole users table). Not a prepared statement: PostgreSQL's generic
   * plan for it scans every pending submission.
   */
  async reviewQueue(
    manager: EntityManager,
    coach: SessionUser,
  ): Promise<{ id: string; milestoneId: string; submittedAt: Date; organizerName: string }[]> {
    const rows = await preparedRead<{
      id: string;
      milestone_id: string;
      submitted_at: Date;
      organizer_name: string;
    }>(
      manager,
      'coaching-review-queue',
      `SELECT s.id, s.milestone_id, s.submitted_at, u.display_name AS organizer_name
         FROM coach_assignments a
         JOIN evidence_submissions s ON s.organizer_id = a.organizer_id AND s.status = 'pending'
         CROSS JOIN LATERAL (SELECT display_name FROM users WHERE id = a.organizer_id OFFSET 0) u
        WHERE a.coach_id = $1 AND a.ended_at IS NULL
        ORDER BY s.submitted_at, s.id`,
      [coach.id],
    );
    return rows.map((r) => ({
      id: r.id,
      milestoneId: r.milestone_id,
      submittedAt: r.submitted_at,
      organizerName: r.organizer_name,
    }));
  }
}
