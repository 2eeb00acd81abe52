import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../accounts/user.entity';

/** When a person marked a module as read. Module ids are curriculum ids (stable, from the Markdown). */
@Entity('module_reads')
// Latest read per person (coach dashboard's "last activity") without visiting the table.
@Index('module_reads_user_activity', ['userId', 'readAt'])
export class ModuleRead {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'module_id', type: 'text' })
  moduleId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'read_at', type: 'timestamptz', default: () => 'now()' })
  readAt!: Date;
}

export const COMPLETION_SOURCES = ['coach', 'workshop', 'admin'] as const;
export type CompletionSource = (typeof COMPLETION_SOURCES)[number];

/** A milestone a person has completed; at most one row per person and milestone. */
@Entity('milestone_completions')
@Index('milestone_completions_once', ['userId', 'milestoneId'], { unique: true })
// Per-person count per track and latest completion, answered from the index alone.
@Index('milestone_completions_user_track', ['userId', 'trackId', 'completedAt'])
// Reports' completions per week read only the date range.
@Index('milestone_completions_by_time', ['completedAt', 'userId'])
@Check('milestone_completions_source_known', `"source" IN ('coach', 'workshop', 'admin')`)
export class MilestoneCompletion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'milestone_id', type: 'text' })
  milestoneId!: string;

  @Column({ name: 'module_id', type: 'text' })
  moduleId!: string;

  @Column({ name: 'track_id', type: 'text' })
  trackId!: string;

  @Column({ type: 'text' })
  source!: CompletionSource;

  @Column({ name: 'completed_at', type: 'timestamptz', default: () => 'now()' })
  completedAt!: Date;
}

/** One row per module for full-text search; rebuilt whenever the curriculum version changes. */
@Entity('curriculum_search')
// A GIN index (created in the migration); TypeORM cannot describe the index method, so it leaves it alone.
@Index('curriculum_search_document', { synchronize: false })
export class CurriculumSearchEntry {
  @PrimaryColumn({ name: 'module_id', type: 'text' })
  moduleId!: string;

  @Column({ name: 'track_id', type: 'text' })
  trackId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'tsvector' })
  document!: string;
}

/** The curriculum version the search index was built from (a single row). */
@Entity('curriculum_index_state')
@Check('curriculum_index_state_single_row', `"id" = 1`)
export class CurriculumIndexState {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'text' })
  version!: string;

  @Column({ name: 'built_at', type: 'timestamptz', default: () => 'now()' })
  builtAt!: Date;
}

/**
 * The curriculum version whose milestone homes completions were last filed under (a single row):
 * start-up re-files completions only when it differs (see rehomeCompletions).
 */
@Entity('completion_homes_state')
@Check('completion_homes_state_single_row', `"id" = 1`)
export class CompletionHomesState {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_completion_homes_state' })
  id!: number;

  @Column({ type: 'text' })
  version!: string;

  @Column({ name: 'filed_at', type: 'timestamptz', default: () => 'now()' })
  filedAt!: Date;
}
