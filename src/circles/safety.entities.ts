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
import { CirclePost, CircleReply } from './post.entities';

/** A person accepted the code of conduct (once, before their first post). */
@Entity('conduct_acceptances')
export class ConductAcceptance {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt!: Date;
}

/** Someone reported a post or a reply to the circle's hosts. One open report per person and item. */
@Entity('circle_reports')
@Check('circle_reports_reason_length', `char_length("reason") BETWEEN 1 AND 1000`)
@Index('circle_reports_once', ['postId', 'replyKey', 'reporterId'], { unique: true })
@Index('circle_reports_open', ['createdAt'], { where: `"resolved_at" IS NULL` })
export class CircleReport {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  @Column({ name: 'reply_id', type: 'uuid', nullable: true })
  replyId!: string | null;

  @ManyToOne(() => CircleReply, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: CircleReply | null;

  /** The reply id, or '' for the post itself: lets one unique index cover both. */
  @Column({ name: 'reply_key', type: 'text', default: '' })
  replyKey!: string;

  @Column({ name: 'reporter_id', type: 'uuid' })
  reporterId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reporter_id' })
  reporter?: User;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The text of a post or reply before an edit, so edits are kept as history. */
@Entity('circle_revisions')
@Index('circle_revisions_of', ['postId', 'replyKey', 'editedAt'])
export class CircleRevision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  @Column({ name: 'reply_key', type: 'text', default: '' })
  replyKey!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'edited_by', type: 'uuid' })
  editedBy!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'edited_by' })
  editor?: User;

  @CreateDateColumn({ name: 'edited_at', type: 'timestamptz' })
  editedAt!: Date;
}
