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
import { Project } from './project.entities';

/** A role a project needs filled; open roles of public projects appear on the opportunities board. */
@Entity('project_roles')
@Check('project_roles_title_length', `char_length("title") BETWEEN 1 AND 120`)
@Check('project_roles_commitment_length', `char_length("commitment") BETWEEN 1 AND 120`)
@Check('project_roles_skills_length', `char_length("skills") <= 300`)
@Index('project_roles_of_project', ['projectId', 'createdAt'])
@Index('project_roles_board', ['createdAt', 'id'], { where: `"open"` })
export class ProjectRole {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @Column({ type: 'text' })
  title!: string;

  /** "2 hours a week", "one Saturday". */
  @Column({ type: 'text' })
  commitment!: string;

  @Column({ type: 'text', default: '' })
  skills!: string;

  @Column({ type: 'boolean', default: true })
  open!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A signed-in person said "I'm interested" in a role: once per person and role (the primary key). */
@Entity('role_interests')
@Index('role_interests_by_user', ['userId'])
export class RoleInterest {
  @PrimaryColumn({ name: 'role_id', type: 'uuid' })
  roleId!: string;

  @ManyToOne(() => ProjectRole, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id' })
  role?: ProjectRole;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
