import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Chapter } from './chapter.entity';

/** A named group of organizers who start together (e.g. "Spring 2027"); reports filter by it. */
@Entity('cohorts')
@Check('cohorts_name_length', `char_length("name") BETWEEN 1 AND 120`)
export class Cohort {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  /** Set when the cohort belongs to one chapter (chapter-scoped admins see only theirs). */
  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
