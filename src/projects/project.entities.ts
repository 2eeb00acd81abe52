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

export const PROJECT_STATUSES = ['idea', 'active', 'paused', 'done'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/**
 * Something a chapter builds with or for a partner. The partner is free text for now (a reference
 * to a partner request may be added beside it later). `public` projects appear on the chapter's
 * public page, and their open roles on the opportunities board.
 */
@Entity('projects')
@Check('projects_status_known', `"status" IN ('idea', 'active', 'paused', 'done')`)
@Check('projects_name_length', `char_length("name") BETWEEN 1 AND 120`)
@Check('projects_partner_length', `char_length("partner") <= 200`)
@Check('projects_problem_length', `char_length("problem") BETWEEN 1 AND 4000`)
@Index('projects_of_chapter', ['chapterId', 'status'])
@Index('projects_led_by', ['leadId'])
export class Project {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'chapter_id', type: 'uuid' })
  chapterId!: string;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: '' })
  partner!: string;

  @Column({ type: 'text' })
  problem!: string;

  @Column({ type: 'text', default: 'idea' })
  status!: ProjectStatus;

  /** Web addresses (http or https), in the order given. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  links!: string[];

  @Column({ type: 'boolean', default: false })
  public!: boolean;

  /** A chapter member who may edit the project, record its impact and see who is interested. */
  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'lead_id' })
  lead?: User | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by' })
  creator?: User | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A chapter member working on a project. */
@Entity('project_volunteers')
@Index('project_volunteers_by_user', ['userId'])
export class ProjectVolunteer {
  @PrimaryColumn({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}

/**
 * One "people helped" figure of a project, as recorded at a time. Figures are never changed or
 * deleted: the newest is the project's figure, the earlier ones are its history.
 */
@Entity('project_impacts')
@Check('project_impacts_people_non_negative', `"people_helped" >= 0`)
@Check('project_impacts_unit_length', `char_length("unit") BETWEEN 1 AND 60`)
@Check('project_impacts_method_length', `char_length("method") BETWEEN 1 AND 1000`)
@Index('project_impacts_history', ['projectId', 'recordedAt', 'id'])
export class ProjectImpact {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @Column({ name: 'people_helped', type: 'integer' })
  peopleHelped!: number;

  /** What a counted person is: "residents", "households", "students". */
  @Column({ type: 'text' })
  unit!: string;

  /** How the figure was counted, in the recorder's words. */
  @Column({ type: 'text' })
  method!: string;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recorded_by' })
  recorder?: User | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
