import type { EvidenceAttachment } from './attachment.entity';
import { isImage, sizeText } from './attachment-types';
import type { Curriculum } from '../curriculum/curriculum.types';
import type { EvidenceSubmission, SubmissionReview } from './coaching.entities';
import { renderUserMarkdown } from './user-markdown';

export function waitingText(since: Date, now = new Date()): string {
  const hours = Math.floor((now.getTime() - since.getTime()) / 3_600_000);
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `${Math.floor(hours / 24)} days`;
}

const STATUS_LABELS = {
  pending: 'Waiting for review',
  approved: 'Signed off',
  changes_requested: 'Changes requested',
  withdrawn: 'Approval withdrawn',
} as const;

/** The thread of one milestone: each attempt with its evidence and review, oldest first. */
export function threadModel(
  submissions: EvidenceSubmission[],
  reviews: (SubmissionReview & { reviewer?: { displayName: string } })[],
  files: Map<string, EvidenceAttachment[]> = new Map(),
) {
  return submissions.map((submission) => {
    const review = reviews.find((r) => r.submissionId === submission.id);
    return {
      id: submission.id,
      attempt: submission.attempt,
      revision: submission.revision,
      status: submission.status,
      statusLabel: STATUS_LABELS[submission.status],
      submittedAt: submission.submittedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      bodyHtml: renderUserMarkdown(submission.body),
      body: submission.body,
      links: submission.links,
      files: (files.get(submission.id) ?? []).map((file) => ({
        id: file.id,
        name: file.filename,
        size: sizeText(file.size),
        image: isImage(file.mediaType),
        url: `/attachments/${file.id}`,
      })),
      review: review && {
        decision: review.decision,
        reviewer: review.reviewer?.displayName ?? 'a reviewer',
        feedbackHtml: review.feedback ? renderUserMarkdown(review.feedback) : '',
        at: review.createdAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        withdrawn: review.withdrawnAt ? { reason: review.withdrawReason ?? '' } : undefined,
      },
    };
  });
}

export function milestoneInfo(curriculum: Curriculum, milestoneId: string) {
  const found = curriculum.milestoneById.get(milestoneId);
  if (!found) return undefined;
  return {
    id: milestoneId,
    title: found.milestone.title,
    description: found.milestone.description,
    evidencePrompt: found.milestone.evidencePrompt,
    moduleTitle: found.module.title,
    moduleUrl: `/tracks/${found.module.trackId}/${found.module.id}`,
  };
}
