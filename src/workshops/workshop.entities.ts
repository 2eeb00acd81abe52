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

@Entity('workshops')
@Index('workshops_starts_at', ['startsAt'])
@Index('workshops_listed', ['startsAt', 'id'], { where: `"cancelled_at" IS NULL` })
@Index('workshops_listed_by_chapter', ['chapterId', 'startsAt', 'id'], { where: `"cancelled_at" IS NULL` })
// GiST on tstzrange(starts_at, ends_at): the workshops running now (ListPageIndexes migration).
@Index('workshops_running', { synchronize: false })
@Check('workshops_ends_after_start', `"ends_at" > "starts_at"`)
@Check('workshops_capacity_positive', `"capacity" >= 1`)
@Check('workshops_title_length', `char_length("title") BETWEEN 1 AND 200`)
@Check('workshops_description_length', `char_length("description") <= 10000`)
export class Workshop {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Curriculum ids of the `workshop` milestones that attending completes. */
  @Column({ name: 'milestone_ids', type: 'text', array: true, default: () => `'{}'` })
  milestoneIds!: string[];

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  /** IANA zone the workshop was planned in (times are stored in UTC). */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ type: 'text', default: '' })
  location!: string;

  @Column({ name: 'online_url', type: 'text', nullable: true })
  onlineUrl!: string | null;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @Column({ name: 'created_by_id', type: 'uuid' })
  createdById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  /** Shown on its chapter's public page (title, time and place; never the online link). Off unless chosen. */
  @Column({ name: 'public', type: 'boolean', default: false })
  public!: boolean;

  /** Key for the rotating self check-in codes; never leaves the server. */
  @Column({ name: 'check_in_secret', type: 'text', select: false })
  checkInSecret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('workshop_facilitators')
export class WorkshopFacilitator {
  @PrimaryColumn({ name: 'workshop_id', type: 'uuid' })
  workshopId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshop_id' })
  workshop?: Workshop;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}

export const REGISTRATION_STATUSES = ['registered', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** A seat or a waitlist place. Seats are taken under a lock on the workshop row. */
@Entity('workshop_registrations')
@Index('workshop_registrations_one_active', ['workshopId', 'userId'], {
  unique: true,
  where: `"status" <> 'cancelled'`,
})
@Index('workshop_registrations_queue', ['workshopId', 'status', 'createdAt'])
@Index('workshop_registrations_by_user', ['userId', 'status'])
@Check('workshop_registrations_status_known', `"status" IN ('registered', 'waitlisted', 'cancelled')`)
export class WorkshopRegistration {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'workshop_id', type: 'uuid' })
  workshopId!: string;

  @ManyToOne(() => Workshop, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workshop_id' })
  workshop?: Workshop;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  status!: RegistrationStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

export const ATTENDANCE_STATUSES = ['present', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Who came. Marking someone present completes the workshop's milestones for them. */
@Entity('workshop_attendance')
@Check('workshop_attendance_status_known', `"status" IN ('present', 'absent', 'excused')`)
export class WorkshopAttendance {
  @PrimaryColumn({ name: 'workshop_id', type: 'uuid' })
  workshopId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => Workshop, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workshop_id' })
  workshop?: Workshop;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text' })
  status!: AttendanceStatus;

  /** Came without registering. */
  @Column({ name: 'walk_in', type: 'boolean', default: false })
  walkIn!: boolean;

  @Column({ name: 'marked_by_id', type: 'uuid' })
  markedById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'marked_by_id' })
  markedBy?: User;

  @Column({ name: 'marked_at', type: 'timestamptz', default: () => 'now()' })
  markedAt!: Date;

  /** When the person checked in (with a code, or marked present by a facilitator). */
  @Column({ name: 'checked_in_at', type: 'timestamptz', nullable: true })
  checkedInAt!: Date | null;

  /** Checked in themselves with the workshop's code. */
  @Column({ name: 'self_check_in', type: 'boolean', default: false })
  selfCheckIn!: boolean;
}

/** A person's private calendar feed; only the token's hash is stored, and revoking deletes the row. */
@Entity('calendar_feeds')
export class CalendarFeed {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
