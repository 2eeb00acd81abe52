import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';

/**
 * Each person's latest activity (sign-in, evidence, reading, completion), kept by database triggers
 * in the same transaction as the change (see the ProgressSummaries migration). Reports read it
 * instead of four maxima per person. Never written by the app.
 */
@Entity('progress_people')
// The stalled list walks this in order and stops after a page.
@Index('progress_people_last_activity', ['lastActivityAt'])
export class PersonProgress {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'last_activity_at', type: 'timestamptz', nullable: true })
  lastActivityAt!: Date | null;
}

/**
 * Per person and track: milestones completed and whether a current, unrevoked certificate exists.
 * Kept by database triggers like PersonProgress; a row exists once either is non-zero.
 */
@Entity('progress_tracks')
@Index('progress_tracks_track', ['trackId', 'userId'])
export class TrackProgress {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @PrimaryColumn({ name: 'track_id', type: 'text' })
  trackId!: string;

  @Column({ type: 'integer', default: 0 })
  completed!: number;

  @Column({ type: 'boolean', default: false })
  certified!: boolean;
}
