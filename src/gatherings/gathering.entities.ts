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
import { Chapter } from '../accounts/chapter.entity';
import { User } from '../accounts/user.entity';
import { Circle } from '../circles/circle.entities';

export const GATHERING_KINDS = ['hack_night', 'potluck', 'circle_call', 'other'] as const;
export type GatheringKind = (typeof GATHERING_KINDS)[number];

export const GATHERING_KIND_LABELS: Readonly<Record<GatheringKind, string>> = {
  hack_night: 'Hack night',
  potluck: 'Potluck',
  circle_call: 'Circle call',
  other: 'Gathering',
};

/**
 * An informal meetup of one circle: scheduled like a workshop, but attending completes no milestone
 * and issues no credential. `chapterId` is the circle's chapter (its own, or its cohort's), copied
 * when the gathering is scheduled or edited, so chapter pages and reports find it through one index.
 */
@Entity('gatherings')
@Index('gatherings_circle_upcoming', ['circleId', 'startsAt', 'id'])
@Index('gatherings_chapter_starts', ['chapterId', 'startsAt'])
@Index('gatherings_starts_at', ['startsAt', 'id'])
@Check('gatherings_kind_known', `"kind" IN ('hack_night', 'potluck', 'circle_call', 'other')`)
@Check('gatherings_ends_after_start', `"ends_at" > "starts_at"`)
@Check('gatherings_capacity_positive', `"capacity" IS NULL OR "capacity" >= 1`)
@Check('gatherings_title_length', `char_length("title") BETWEEN 1 AND 200`)
@Check('gatherings_description_length', `char_length("description") <= 10000`)
@Check('gatherings_has_a_place', `"location" <> '' OR "online_url" IS NOT NULL`)
export class Gathering {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'circle_id', type: 'uuid' })
  circleId!: string;

  @ManyToOne(() => Circle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'circle_id' })
  circle?: Circle;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @Column({ type: 'text' })
  kind!: GatheringKind;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  /** IANA zone the gathering was planned in (times are stored in UTC). */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'text', default: '' })
  location!: string;

  @Column({ name: 'online_url', type: 'text', nullable: true })
  onlineUrl!: string | null;

  /** Most people who may answer "yes"; null: no limit. */
  @Column({ type: 'integer', nullable: true })
  capacity!: number | null;

  /** May be listed on the chapter's public page (title, kind, time and place only). */
  @Column({ name: 'public', type: 'boolean', default: false })
  isPublic!: boolean;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  /** Key for the rotating self check-in codes; never leaves the server. */
  @Column({ name: 'check_in_secret', type: 'text', select: false })
  checkInSecret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const RSVP_ANSWERS = ['yes', 'no'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

/** One person's answer; "yes" answers are counted against the capacity under a lock on the gathering row. */
@Entity('gathering_rsvps')
@Index('gathering_rsvps_answers', ['gatheringId', 'answer'])
@Check('gathering_rsvps_answer_known', `"answer" IN ('yes', 'no')`)
export class GatheringRsvp {
  @PrimaryColumn({ name: 'gathering_id', type: 'uuid' })
  gatheringId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Gathering, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'gathering_id' })
  gathering?: Gathering;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  answer!: RsvpAnswer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Who came (present) or was marked as not having come (absent). Completes nothing. */
@Entity('gathering_attendance')
@Index('gathering_attendance_by_person', ['userId', 'gatheringId'])
@Check('gathering_attendance_status_known', `"status" IN ('present', 'absent')`)
export class GatheringAttendance {
  @PrimaryColumn({ name: 'gathering_id', type: 'uuid' })
  gatheringId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Gathering, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'gathering_id' })
  gathering?: Gathering;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  status!: 'present' | 'absent';

  /** Came without answering "yes". */
  @Column({ name: 'walk_in', type: 'boolean', default: false })
  walkIn!: boolean;

  @Column({ name: 'self_check_in', type: 'boolean', default: false })
  selfCheckIn!: boolean;

  @Column({ name: 'marked_by_id', type: 'uuid' })
  markedById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'marked_by_id' })
  markedBy?: User;

  @Column({ name: 'marked_at', type: 'timestamptz', default: () => 'now()' })
  markedAt!: Date;
}
