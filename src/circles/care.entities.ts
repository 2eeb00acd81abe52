import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';
import { CirclePost } from './post.entities';

/**
 * An ask that waited too long without a reply and was shown to the asker's coach and the circle's
 * hosts. The primary key is the claim: whichever app process inserts the row first sends the
 * notices (in the same transaction), every other process finds the row taken and sends nothing.
 */
@Entity('circle_ask_escalations')
export class AskEscalation {
  @PrimaryColumn({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  @Column({ name: 'escalated_at', type: 'timestamptz', default: () => 'now()' })
  escalatedAt!: Date;
}

/**
 * When a person's weekly circle digest was last made. Advancing `lastDigestAt` is the claim: one
 * atomic upsert per person and week, so several app processes never make two digests in a week.
 */
@Entity('circle_digest_state')
export class CircleDigestState {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'last_digest_at', type: 'timestamptz' })
  lastDigestAt!: Date;

  /** The digest before the last one: the start of the period the last digest covered. */
  @Column({ name: 'previous_digest_at', type: 'timestamptz', nullable: true })
  previousDigestAt!: Date | null;
}
