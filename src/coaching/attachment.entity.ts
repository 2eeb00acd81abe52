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
import { EvidenceSubmission } from './coaching.entities';

/**
 * A file attached to evidence. Kept in PostgreSQL (bytea) so every app process serves it; its media
 * type is what the content turned out to be, never what the browser claimed.
 */
@Entity('evidence_attachments')
@Check('evidence_attachments_size_positive', `"size" > 0`)
@Check('evidence_attachments_filename_length', `char_length("filename") BETWEEN 1 AND 200`)
@Index('evidence_attachments_by_submission', ['submissionId'])
@Index('evidence_attachments_by_organizer', ['organizerId'])
export class EvidenceAttachment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @ManyToOne(() => EvidenceSubmission, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id' })
  submission?: EvidenceSubmission;

  /** Whose quota the file counts against. */
  @Column({ name: 'organizer_id', type: 'uuid' })
  organizerId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizer_id' })
  organizer?: User;

  @Column({ type: 'text' })
  filename!: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'bytea', select: false })
  content!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
