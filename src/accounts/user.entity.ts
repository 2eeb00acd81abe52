import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Chapter } from './chapter.entity';
import { Cohort } from './cohort.entity';
import { ROLES_SQL, type Role } from './roles';

@Entity('users')
// The admin people list: name order for keyset paging; trigram (GIN) indexes for "contains" search,
// created in the migration (TypeORM cannot describe the index method, so it leaves them alone).
@Index('users_by_name', ['displayName', 'id'])
@Index('users_by_chapter', ['chapterId', 'displayName', 'id'])
@Index('users_by_cohort', ['cohortId'])
// The few admins, coaches and inactive accounts in name order, for the list's role and status filters.
@Index('users_admins_by_name', ['displayName', 'id'], { where: `"role" = 'admin'` })
@Index('users_coaches_by_name', ['displayName', 'id'], { where: `"role" = 'coach'` })
@Index('users_inactive_by_name', ['displayName', 'id'], { where: `NOT "active"` })
@Index('users_display_name_trigram', { synchronize: false })
@Index('users_email_trigram', { synchronize: false })
@Check('users_email_lowercase', `"email" = lower("email")`)
@Check('users_email_length', `char_length("email") BETWEEN 3 AND 254`)
@Check('users_display_name_length', `char_length("display_name") BETWEEN 1 AND 100`)
@Check('users_role_known', `"role" IN (${ROLES_SQL})`)
@Check('users_coach_capacity_range', `"coach_capacity" BETWEEN 0 AND 100`)
@Check('users_scope_only_for_admins', `"scope_chapter_id" IS NULL OR "role" = 'admin'`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored lower-cased: addresses are compared case-insensitively and the unique constraint relies on it. */
  @Column({ type: 'text', unique: true })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId!: string | null;

  @ManyToOne(() => Cohort, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Cohort | null;

  /** For admins limited to one chapter: they see and change only that chapter's records. */
  @Column({ name: 'scope_chapter_id', type: 'uuid', nullable: true })
  scopeChapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'scope_chapter_id' })
  scopeChapter?: Chapter | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** How many organizers this person can coach at once (used when they are a coach). */
  @Column({ name: 'coach_capacity', type: 'integer', default: 8 })
  coachCapacity!: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
