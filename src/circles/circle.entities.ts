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
import { Chapter } from '../accounts/chapter.entity';
import { Cohort } from '../accounts/cohort.entity';
import { User } from '../accounts/user.entity';

export const CIRCLE_KINDS = ['chapter', 'cohort', 'topic', 'academy'] as const;
export type CircleKind = (typeof CIRCLE_KINDS)[number];

/**
 * A group of people who talk together. Chapter and cohort circles are made by the database when the
 * chapter or cohort is (their members are read from users.chapter_id / cohort_id, so they follow
 * moves); topic circles keep explicit members; the academy circle holds every active person.
 */
@Entity('circles')
@Check('circles_kind_known', `"kind" IN ('chapter', 'cohort', 'topic', 'academy')`)
@Check('circles_name_length', `char_length("name") BETWEEN 1 AND 120`)
@Check(
  'circles_kind_matches_owner',
  `("kind" = 'chapter') = ("chapter_id" IS NOT NULL) AND ("kind" = 'cohort') = ("cohort_id" IS NOT NULL)`,
)
@Index('circles_one_per_chapter', ['chapterId'], { unique: true, where: `"chapter_id" IS NOT NULL` })
@Index('circles_one_per_cohort', ['cohortId'], { unique: true, where: `"cohort_id" IS NOT NULL` })
export class Circle {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: CircleKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @Column({ name: 'cohort_id', type: 'uuid', nullable: true })
  cohortId!: string | null;

  @ManyToOne(() => Cohort, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id' })
  cohort?: Cohort | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Who joined a topic circle (chapter, cohort and academy circles need no rows). */
@Entity('circle_members')
export class CircleMember {
  @PrimaryColumn({ name: 'circle_id', type: 'uuid' })
  circleId!: string;

  @ManyToOne(() => Circle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'circle_id' })
  circle?: Circle;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
