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
import { deliveriesSql, kindsSql, type Delivery, type NotificationKind } from './kinds';

export const DIGEST_STATES = ['none', 'pending', 'sent'] as const;
export type DigestState = (typeof DIGEST_STATES)[number];

/** One thing a person was told, shown in their notification centre until (and after) they read it. */
@Entity('notifications')
@Check('notifications_kind_known', `"kind" IN (${kindsSql})`)
@Check('notifications_digest_known', `"digest" IN ('none', 'pending', 'sent')`)
@Check('notifications_title_length', `char_length("title") BETWEEN 1 AND 300`)
@Index('notifications_by_person', ['userId', 'createdAt'])
@Index('notifications_unread', ['userId'], { where: '"read_at" IS NULL' })
@Index('notifications_digest_pending', ['userId', 'createdAt'], { where: `"digest" = 'pending'` })
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  kind!: NotificationKind;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  /** A path inside the app (say /me/milestones/x): where the notice leads. */
  @Column({ type: 'text' })
  link!: string;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  /** Whether the notice still waits for the person's weekly digest email. */
  @Column({ type: 'text', default: 'none' })
  digest!: DigestState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** How one person wants one kind of notice; a missing row means DEFAULT_DELIVERY. */
@Entity('notification_preferences')
@Check('notification_preferences_kind_known', `"kind" IN (${kindsSql})`)
@Check('notification_preferences_delivery_known', `"delivery" IN (${deliveriesSql})`)
export class NotificationPreference {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @PrimaryColumn({ type: 'text' })
  kind!: NotificationKind;

  @Column({ type: 'text' })
  delivery!: Delivery;
}
