import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Chapter } from './chapter.entity';
import { Cohort } from './cohort.entity';
import { ROLES_SQL, type Role } from './roles';
import { User } from './user.entity';

@Entity('invites')
@Check('invites_email_lowercase', `"email" = lower("email")`)
@Check('invites_role_known', `"role" IN (${ROLES_SQL})`)
@Check('invites_not_both_accepted_and_revoked', `"accepted_at" IS NULL OR "revoked_at" IS NULL`)
// One open invite per address: resending re-issues the token of that row instead of adding another.
@Index('invites_one_open_per_email', ['email'], {
  unique: true,
  where: `"accepted_at" IS NULL AND "revoked_at" IS NULL`,
})
export class Invite {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  /** Suggested name (from a bulk import); the invitee can change it when accepting. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId!: string | null;

  @ManyToOne(() => Cohort, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Cohort | null;

  /** Coach to assign when an invited organizer accepts. */
  @Column({ name: 'coach_id', type: 'uuid', nullable: true })
  coachId!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'coach_id' })
  coach?: User | null;

  /** SHA-256 of the token in the link; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash!: string;

  @Column({ name: 'invited_by_id', type: 'uuid' })
  invitedById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'invited_by_id' })
  invitedBy?: User;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
