import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
} from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { User } from '../accounts/user.entity';
import { CirclePost } from '../circles/post.entities';

export const REQUEST_STATES = ['pending', 'approved', 'declined', 'withdrawn'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/**
 * Whether a story post is public, and the text that is. The author asks (`pending`); a chapter admin
 * approves (the post's title and body are copied to `public_*`, which is what the public sees until
 * the next approval) or declines with a reason. Unpublishing clears the public text at once. The
 * latest time and actor of each step are kept here; every step is also in the audit log.
 */
@Entity('story_publications')
@Check(
  'story_publications_state_known',
  `"request_state" IN ('pending', 'approved', 'declined', 'withdrawn')`,
)
@Check(
  'story_publications_public_text_whole',
  `("published_at" IS NULL) = ("public_title" IS NULL) AND ("published_at" IS NULL) = ("public_body" IS NULL)`,
)
@Check(
  'story_publications_declined_has_reason',
  `"request_state" <> 'declined' OR "decline_reason" IS NOT NULL`,
)
@Index('story_publications_public', ['chapterId', 'publishedAt'], { where: `"published_at" IS NOT NULL` })
@Index('story_publications_pending', ['chapterId', 'requestedAt'], { where: `"request_state" = 'pending'` })
export class StoryPublication {
  @PrimaryColumn({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @OneToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  /** The chapter whose public page shows the story: the circle's chapter, else the author's. */
  @Column({ name: 'chapter_id', type: 'uuid' })
  chapterId!: string;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter;

  @Column({ name: 'request_state', type: 'text' })
  requestState!: RequestState;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'requested_by' })
  requester?: User | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by' })
  decider?: User | null;

  @Column({ name: 'decline_reason', type: 'text', nullable: true })
  declineReason!: string | null;

  /** When the story went public (kept across re-approvals of edits); null while not public. */
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'public_title', type: 'text', nullable: true })
  publicTitle!: string | null;

  @Column({ name: 'public_body', type: 'text', nullable: true })
  publicBody!: string | null;

  /** When the public text last changed (an approval); the Atom entry's `updated`. */
  @Column({ name: 'public_updated_at', type: 'timestamptz', nullable: true })
  publicUpdatedAt!: Date | null;

  @Column({ name: 'unpublished_at', type: 'timestamptz', nullable: true })
  unpublishedAt!: Date | null;

  @Column({ name: 'unpublished_by', type: 'uuid', nullable: true })
  unpublishedBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'unpublished_by' })
  unpublisher?: User | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
