import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';

/**
 * Tracks someone has been certified on (see the StalledCandidates migration): the stalled list of
 * such a track reads its own rows; any other track reads the '' rows. Kept by triggers.
 */
@Entity('report_stalled_tracks')
export class StalledTrack {
  @PrimaryColumn({ name: 'track_id', type: 'text' })
  trackId!: string;
}

/**
 * Stalled-list candidates: one row per active organizer and registered track they are not certified
 * on (and one under '' for every active organizer), with what the list filters and sorts by. Kept by
 * database triggers in the same transaction as the change; never written by the app.
 * `silentSince` is the last activity, or -infinity for none, so an ascending index puts "never" first.
 */
@Entity('report_stalled')
// The stalled list reads a page of one of these in order, whatever the filter.
@Index('report_stalled_by_silence', ['trackId', 'silentSince', 'name'])
@Index('report_stalled_by_chapter', ['trackId', 'chapterKey', 'silentSince', 'name'])
@Index('report_stalled_by_cohort', ['trackId', 'cohortKey', 'silentSince', 'name'])
export class StalledCandidate {
  // A person's rows first: the triggers recount one person at a time.
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_report_stalled_user' })
  user?: User;

  @PrimaryColumn({ name: 'track_id', type: 'text' })
  trackId!: string;

  @Column({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @Column({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @Column({ name: 'silent_since', type: 'timestamptz' })
  silentSince!: Date;

  @Column({ type: 'text' })
  name!: string;
}

/**
 * Funnel counts per track, chapter and cohort of organizers: how many have completed `completed`
 * milestones, certified or not; under track '' (completed 0, not certified) how many organizers the
 * group has. Kept by database triggers (see the FunnelCounts migration); never written by the app.
 */
@Entity('report_funnel')
export class FunnelCount {
  @PrimaryColumn({ name: 'track_id', type: 'text' })
  trackId!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @PrimaryColumn({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @PrimaryColumn({ type: 'integer' })
  completed!: number;

  @PrimaryColumn({ type: 'boolean' })
  certified!: boolean;

  @Column({ type: 'integer', default: 0 })
  n!: number;
}

/** How many organizers of a chapter and cohort last signed in on each day (UTC). Kept by triggers. */
@Entity('report_sign_in_days')
export class SignInDay {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ name: 'chapter_key', type: 'uuid' })
  chapterKey!: string;

  @PrimaryColumn({ name: 'cohort_key', type: 'uuid' })
  cohortKey!: string;

  @Column({ type: 'integer', default: 0 })
  n!: number;
}
