import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';

/** Spans of learner_periods: a whole UTC calendar month or quarter. */
export const LEARNER_SPANS = { month: 1, quarter: 3 } as const;

/**
 * The UTC months (span 1) and quarters (span 3) in which a person completed at least one milestone,
 * with how many completions. Kept by database triggers (see the LearnerPeriods migration); never
 * written by the app.
 */
@Entity('learner_periods')
export class LearnerPeriod {
  // A person's rows first: the triggers change one person's periods at a time.
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_learner_periods_user' })
  user?: User;

  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  @PrimaryColumn({ type: 'date' })
  start!: string;

  @Column({ type: 'integer' })
  completions!: number;
}

/**
 * Active learners per period and chapter (the person's current chapter; `chapterKey` NO_GROUP for
 * none): how many people have a learner_periods row there. Kept by database triggers.
 */
@Entity('learner_counts')
export class LearnerCount {
  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  @PrimaryColumn({ type: 'date' })
  start!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @Column({ type: 'integer', default: 0 })
  n!: number;
}

/**
 * Certificates awarded per period and the holder's current chapter (`chapterKey` NO_GROUP for
 * none): current versions only, so a reissue is the same award. Kept by database triggers (see the
 * AwardCounts migration); never written by the app.
 */
@Entity('award_counts')
export class AwardCount {
  @PrimaryColumn({ type: 'smallint' })
  span!: number;

  @PrimaryColumn({ type: 'date' })
  start!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @Column({ type: 'integer', default: 0 })
  n!: number;
}
