import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { EvidenceSubmission } from './coaching.entities';

/**
 * Evidence waiting for review from someone without an active coach (so an admin reviews it), with
 * the submitter's chapter for scoped admins. Kept by database triggers in the same transaction as
 * the change (see the EvidenceWaitingForAdmin migration); never written by the app. The admin
 * queue reads its oldest rows by index instead of walking every pending submission.
 */
@Entity('evidence_waiting_for_admin')
@Index('evidence_waiting_for_admin_by_age', ['submittedAt', 'submissionId'])
@Index('evidence_waiting_for_admin_by_chapter', ['chapterId', 'submittedAt', 'submissionId'])
@Index('evidence_waiting_for_admin_by_organizer', ['organizerId'])
export class EvidenceWaitingForAdmin {
  @PrimaryColumn({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => EvidenceSubmission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id', foreignKeyConstraintName: 'evidence_waiting_for_admin_submission' })
  submission?: EvidenceSubmission;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;
}
