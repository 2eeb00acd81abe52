import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SubmissionReview } from '../coaching/coaching.entities';

/** report_counts.measure codes (as in the ReportAggregates migration). */
export const REPORT_MEASURES = { completions: 1, issued: 2, revoked: 3, verified: 4 } as const;

/**
 * Report counts per day (span 1) and per week from Monday (span 7) for each chapter and cohort of
 * organizers: completions, certificates issued and revoked, verifications (`measure`, see the
 * ReportAggregates migration). Kept by database triggers in the same transaction as the change;
 * never written by the app. "No chapter" / "no cohort" is the all-zero uuid.
 */
@Entity('report_counts')
export class ReportCount {
  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  @PrimaryColumn({ type: 'date' })
  start!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @PrimaryColumn({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @PrimaryColumn({ type: 'smallint' })
  measure!: number;

  @Column({ type: 'integer', default: 0 })
  n!: number;
}

/**
 * Each review of an organizer's evidence with the organizer's group, the reviewer and the hours
 * from submission to review: the review turnaround reads only this, by time, from its index.
 * Kept by database triggers like ReportCount.
 */
@Entity('report_reviews')
@Index('report_reviews_by_time', ['createdAt', 'chapterKey', 'cohortKey', 'reviewerId', 'hours'])
export class ReportReview {
  @PrimaryColumn({ name: 'review_id', type: 'uuid' })
  reviewId!: string;

  @ManyToOne(() => SubmissionReview, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'review_id' })
  review?: SubmissionReview;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @Column({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId!: string;

  @Column({ type: 'double precision' })
  hours!: number;
}
