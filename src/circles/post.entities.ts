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
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../accounts/user.entity';
import { Circle } from './circle.entities';

export const POST_KINDS = ['story', 'ask', 'feedback'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export const POST_SEARCH_EXPRESSION = `setweight(to_tsvector('english', "title"), 'A') || setweight(to_tsvector('english', "body"), 'B')`;
/** Asks not marked answered and not hidden (the sweep and the coach dashboard read these). */
const OPEN_ASK = `"kind" = 'ask' AND "answer_reply_id" IS NULL AND "hidden_at" IS NULL`;

/** A story, an ask for help or a feedback request in one circle. */
@Entity('circle_posts')
@Check('circle_posts_kind_known', `"kind" IN ('story', 'ask', 'feedback')`)
@Check('circle_posts_title_length', `char_length("title") BETWEEN 1 AND 200`)
@Check('circle_posts_body_length', `char_length("body") BETWEEN 1 AND 20000`)
@Check('circle_posts_answer_only_on_asks', `"answer_reply_id" IS NULL OR "kind" = 'ask'`)
@Check('circle_posts_hidden_has_reason', `("hidden_at" IS NULL) = ("hidden_reason" IS NULL)`)
@Index('circle_posts_page', ['circleId', 'createdAt', 'id'])
@Check('circle_posts_milestone_has_module', `"milestone_id" IS NULL OR "module_id" IS NOT NULL`)
@Index('circle_posts_by_module', ['moduleId', 'createdAt', 'id'], { where: `"module_id" IS NOT NULL` })
@Index('circle_posts_by_author', ['authorId', 'createdAt'])
@Index('circle_posts_search', { synchronize: false })
@Index('circle_posts_by_time', ['createdAt'])
@Index('circle_posts_open_asks', ['createdAt'], { where: OPEN_ASK })
@Index('circle_posts_open_asks_by_circle', ['circleId', 'createdAt'], { where: OPEN_ASK })
@Index('circle_posts_open_asks_by_author', ['authorId', 'createdAt'], { where: OPEN_ASK })
export class CirclePost {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'circle_id', type: 'uuid' })
  circleId!: string;

  @ManyToOne(() => Circle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'circle_id' })
  circle?: Circle;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id' })
  author?: User;

  @Column({ type: 'text' })
  kind!: PostKind;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  /** On an ask marked answered: the reply that helped. */
  @Column({ name: 'answer_reply_id', type: 'uuid', nullable: true })
  answerReplyId!: string | null;

  @Column({ name: 'locked_at', type: 'timestamptz', nullable: true })
  lockedAt!: Date | null;

  @Column({ name: 'hidden_at', type: 'timestamptz', nullable: true })
  hiddenAt!: Date | null;

  @Column({ name: 'hidden_reason', type: 'text', nullable: true })
  hiddenReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** The curriculum module the post is about (checked against the loaded curriculum when posted). */
  @Column({ name: 'module_id', type: 'text', nullable: true })
  moduleId!: string | null;

  /** The milestone the post is about; its module is then in `moduleId` too. */
  @Column({ name: 'milestone_id', type: 'text', nullable: true })
  milestoneId!: string | null;

  /** Full-text document (title weighted above body), kept by PostgreSQL; GIN index circle_posts_search. */
  @Column({
    type: 'tsvector',
    generatedType: 'STORED',
    asExpression: POST_SEARCH_EXPRESSION,
    select: false,
    insert: false,
    update: false,
  })
  search?: string;
}

/** A reply to a post (one level). On a feedback request, `works` and `toTry` follow its prompts. */
@Entity('circle_replies')
@Check('circle_replies_body_length', `char_length("body") BETWEEN 1 AND 20000`)
@Check('circle_replies_hidden_has_reason', `("hidden_at" IS NULL) = ("hidden_reason" IS NULL)`)
@Index('circle_replies_thread', ['postId', 'createdAt'])
@Index('circle_replies_by_author', ['authorId', 'createdAt'])
@Index('circle_replies_by_time', ['createdAt'])
export class CircleReply {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id' })
  author?: User;

  /** The reply's Markdown; for feedback, "What works" and "What to try" under headings. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'hidden_at', type: 'timestamptz', nullable: true })
  hiddenAt!: Date | null;

  @Column({ name: 'hidden_reason', type: 'text', nullable: true })
  hiddenReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** "This helped" on a reply: one per person and reply. */
@Entity('circle_reply_helped')
@Index('circle_reply_helped_by_time', ['createdAt'])
export class ReplyHelped {
  @PrimaryColumn({ name: 'reply_id', type: 'uuid' })
  replyId!: string;

  @ManyToOne(() => CircleReply, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: CircleReply;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** When it was pressed (reports count people who reacted in a period). */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** "Me too" on an ask: one per person and post. */
@Entity('circle_post_me_too')
@Index('circle_post_me_too_by_time', ['createdAt'])
export class PostMeToo {
  @PrimaryColumn({ name: 'post_id', type: 'uuid' })
  postId!: string;

  @ManyToOne(() => CirclePost, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: CirclePost;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** When it was pressed (reports count people who reacted in a period). */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
