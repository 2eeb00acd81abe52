import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../accounts/user.entity';

/** Who coaches whom. History is kept: reassigning ends the old row with a reason. */
@Entity('coach_assignments')
@Index('coach_assignments_one_active_per_organizer', ['organizerId'], {
  unique: true,
  where: `"ended_at" IS NULL`,
})
@Index('coach_assignments_coach', ['coachId'])
@Index('coach_assignments_by_organizer', ['organizerId', 'startedAt'])
@Check('coach_assignments_not_self', `"organizer_id" <> "coach_id"`)
@Check('coach_assignments_end_reason', `"ended_at" IS NULL OR char_length("end_reason") > 0`)
export class CoachAssignment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizer_id' })
  organizer?: User;

  @Column({ name: 'coach_id', type: 'uuid' })
  coachId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'coach_id' })
  coach?: User;

  @Column({ name: 'assigned_by_id', type: 'uuid' })
  assignedById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_by_id' })
  assignedBy?: User;

  /** True when an admin assigned past the coach's capacity on purpose. */
  @Column({ name: 'over_capacity', type: 'boolean', default: false })
  overCapacity!: boolean;

  @CreateDateColumn({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason!: string | null;
}

/** An organizer without a coach asking for one; shown in the admin queue until resolved. */
@Entity('coach_requests')
@Index('coach_requests_one_open_per_organizer', ['organizerId'], {
  unique: true,
  where: `"resolved_at" IS NULL`,
})
@Index('coach_requests_open_by_age', ['createdAt', 'id'], { where: `"resolved_at" IS NULL` })
@Check('coach_requests_message_length', `char_length("message") <= 1000`)
export class CoachRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizer_id' })
  organizer?: User;

  @Column({ type: 'text', default: '' })
  message!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}

export const SUBMISSION_STATUSES = ['pending', 'approved', 'changes_requested', 'withdrawn'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/**
 * Evidence for one `coach` milestone. Each resubmission is a new row (attempt 1, 2, …) so the
 * thread keeps everything; `revision` grows when a pending submission is edited, and reviews must
 * name the revision they read.
 */
@Entity('evidence_submissions')
@Index('evidence_submissions_attempt', ['organizerId', 'milestoneId', 'attempt'], { unique: true })
@Index('evidence_submissions_one_open', ['organizerId', 'milestoneId'], {
  unique: true,
  where: `"status" IN ('pending', 'approved')`,
})
@Index('evidence_submissions_pending', ['status', 'submittedAt'])
// The coach dashboard probes each organizer: their waiting evidence and their latest submission.
@Index('evidence_submissions_pending_by_organizer', ['organizerId', 'submittedAt'], {
  where: `"status" = 'pending'`,
})
@Index('evidence_submissions_organizer_activity', ['organizerId', 'submittedAt'])
@Check(
  'evidence_submissions_status_known',
  `"status" IN ('pending', 'approved', 'changes_requested', 'withdrawn')`,
)
@Check('evidence_submissions_body_length', `char_length("body") BETWEEN 1 AND 10000`)
export class EvidenceSubmission {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizer_id' })
  organizer?: User;

  @Column({ name: 'milestone_id', type: 'text' })
  milestoneId!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'integer', default: 1 })
  revision!: number;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'jsonb' })
  links!: string[];

  @Column({ type: 'text', default: 'pending' })
  status!: SubmissionStatus;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** A coach's (or admin's) decision on one submission: at most one per submission. */
@Entity('submission_reviews')
@Index('submission_reviews_one_per_submission', ['submissionId'], { unique: true })
// Reports' review turnaround reads only the date range, from the index alone.
@Index('submission_reviews_by_time', ['createdAt', 'submissionId', 'reviewerId'])
@Check('submission_reviews_decision_known', `"decision" IN ('approved', 'changes_requested')`)
@Check('submission_reviews_feedback_length', `char_length("feedback") <= 10000`)
@Check(
  'submission_reviews_withdrawal',
  `"withdrawn_at" IS NULL OR ("decision" = 'approved' AND char_length("withdraw_reason") > 0)`,
)
export class SubmissionReview {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => EvidenceSubmission, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'submission_id' })
  submission?: EvidenceSubmission;

  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reviewer_id' })
  reviewer?: User;

  @Column({ type: 'text' })
  decision!: 'approved' | 'changes_requested';

  @Column({ type: 'text', default: '' })
  feedback!: string;

  @Column({ name: 'read_by_organizer_at', type: 'timestamptz', nullable: true })
  readByOrganizerAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'withdrawn_by_id', type: 'uuid', nullable: true })
  withdrawnById!: string | null;

  @Column({ name: 'withdraw_reason', type: 'text', nullable: true })
  withdrawReason!: string | null;
}

/** A logged 1:1 conversation. Private notes are for that coach and admins; the next step is shared. */
@Entity('coach_sessions')
@Index('coach_sessions_organizer', ['organizerId', 'heldOn'])
@Check('coach_sessions_duration', `"duration_minutes" BETWEEN 1 AND 600`)
@Check(
  'coach_sessions_notes_length',
  `char_length("private_notes") <= 10000 AND char_length("next_step") <= 1000`,
)
export class CoachSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizer_id' })
  organizer?: User;

  @Column({ name: 'coach_id', type: 'uuid' })
  coachId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'coach_id' })
  coach?: User;

  @Column({ name: 'held_on', type: 'date' })
  heldOn!: string;

  @Column({ name: 'duration_minutes', type: 'integer' })
  durationMinutes!: number;

  @Column({ name: 'private_notes', type: 'text', default: '' })
  privateNotes!: string;

  @Column({ name: 'next_step', type: 'text', default: '' })
  nextStep!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * An active coach's load for the coach ranking: organizers assigned now and their evidence waiting
 * for review, with the coach's chapter, name and capacity. Kept by database triggers in the same
 * transaction as the change (see the CoachLoads migration); never written by the app.
 */
@Entity('coach_loads')
// The ranking order ((active - capacity), waiting, name, id), overall and within a chapter:
// expression indexes, created in the ListPageIndexes migration.
@Index('coach_loads_rank', { synchronize: false })
@Index('coach_loads_rank_in_chapter', { synchronize: false })
export class CoachLoad {
  @PrimaryColumn({ name: 'coach_id', type: 'uuid' })
  coachId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'coach_id' })
  coach?: User;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ type: 'integer' })
  active!: number;

  @Column({ type: 'integer' })
  waiting!: number;
}
