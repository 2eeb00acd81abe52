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
import { User } from '../accounts/user.entity';

@Entity('audit_events')
@Index('audit_events_subject', ['subjectType', 'subjectId'])
@Index('audit_events_created_at', ['createdAt'])
@Check('audit_events_action_format', `"action" ~ '^[a-z_]+\\.[a-z_]+$'`)
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Null for changes made by the system or by someone not signed in (accepting an invite, setup). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id' })
  actor?: User | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
