import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';
import { CirclePost } from './post.entities';

/**
 * A circle member @mentioned in a post or reply. One row per person and text, kept across edits, so
 * an edit notifies only people it mentions for the first time.
 */
@Entity('circle_mentions')
@Index('circle_mentions_of_user', ['userId', 'createdAt'])
export class CircleMention {
  @PrimaryColumn({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  /** The reply id, or '' for the post itself (as in circle_revisions and circle_reports). */
  @PrimaryColumn({ name: 'reply_key', type: 'text' })
  replyKey!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
