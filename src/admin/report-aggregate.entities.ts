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
 * from submission to review: the turnaround histograms (ReportTurnaround) are kept from it, and
 * the review turnaround reads the days at a range's edges from its index. Kept by database
 * triggers like ReportCount.
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

/**
 * Review turnaround histograms: per block of `span` weeks from `start` (see the
 * ReviewTurnaroundHistograms migration for the block alignment and the hour buckets), per chapter,
 * cohort and reviewer, h<k> counts the reviews whose turnaround fell in bucket k. Kept by database
 * triggers on report_reviews; never written by the app.
 */
@Entity('report_turnaround')
export class ReportTurnaround {
  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  @PrimaryColumn({ type: 'date' })
  start!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @PrimaryColumn({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @PrimaryColumn({ name: 'reviewer_id', type: 'uuid' })
  reviewerId!: string;

  @Column({ type: 'integer', default: 0 }) h0!: number;
  @Column({ type: 'integer', default: 0 }) h1!: number;
  @Column({ type: 'integer', default: 0 }) h2!: number;
  @Column({ type: 'integer', default: 0 }) h3!: number;
  @Column({ type: 'integer', default: 0 }) h4!: number;
  @Column({ type: 'integer', default: 0 }) h5!: number;
  @Column({ type: 'integer', default: 0 }) h6!: number;
  @Column({ type: 'integer', default: 0 }) h7!: number;
  @Column({ type: 'integer', default: 0 }) h8!: number;
  @Column({ type: 'integer', default: 0 }) h9!: number;
  @Column({ type: 'integer', default: 0 }) h10!: number;
  @Column({ type: 'integer', default: 0 }) h11!: number;
  @Column({ type: 'integer', default: 0 }) h12!: number;
  @Column({ type: 'integer', default: 0 }) h13!: number;
  @Column({ type: 'integer', default: 0 }) h14!: number;
  @Column({ type: 'integer', default: 0 }) h15!: number;
  @Column({ type: 'integer', default: 0 }) h16!: number;
  @Column({ type: 'integer', default: 0 }) h17!: number;
  @Column({ type: 'integer', default: 0 }) h18!: number;
  @Column({ type: 'integer', default: 0 }) h19!: number;
}
