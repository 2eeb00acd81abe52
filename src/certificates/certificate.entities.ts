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

/**
 * Ed25519 keys the issuer signs with. The newest signs; older ones stay published so that every
 * credential ever issued still verifies. The secret column is never selected unless signing.
 */
@Entity('issuer_keys')
@Check('issuer_keys_number_positive', `"key_number" >= 1`)
export class IssuerKey {
  @PrimaryColumn({ name: 'key_number', type: 'integer' })
  keyNumber!: number;

  /** The verification method URL, e.g. https://academy.example.org/issuer#key-1. */
  @Column({ name: 'verification_method', type: 'text', unique: true })
  verificationMethod!: string;

  @Column({ name: 'public_key_multibase', type: 'text' })
  publicKeyMultibase!: string;

  @Column({ name: 'secret_key_multibase', type: 'text', select: false })
  secretKeyMultibase!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A Bitstring Status List; certificates take slots in it and a set bit means revoked. */
@Entity('status_lists')
@Check('status_lists_size', `"size" >= 131072`)
@Check('status_lists_taken', `"taken" BETWEEN 0 AND "size"`)
export class StatusList {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer', default: 131072 })
  size!: number;

  /** Slots given out (at random positions), counted under a lock on this row; full at `size`. */
  @Column({ type: 'integer', default: 0 })
  taken!: number;

  /** Bumped whenever the list is re-signed; part of verification cache keys. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  /** The signed BitstringStatusListCredential, as served. */
  @Column({ type: 'jsonb', nullable: true })
  credential!: Record<string, unknown> | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** One issued credential. At most one current (not superseded) certificate per person and track. */
@Entity('certificates')
@Index('certificates_one_current_per_track', ['userId', 'trackId'], {
  unique: true,
  where: `"superseded_at" IS NULL`,
})
@Index('certificates_status_slot', ['statusListId', 'statusIndex'], { unique: true })
/** The admin certificate list pages by (issued_at, id), newest first; reports read issue-date ranges with it. */
@Index('certificates_by_issue', ['issuedAt', 'id'])
/** The "from all sides" report counts awards by date, each award once (its latest version). */
@Index('certificates_awards', ['awardedAt'], { where: `"superseded_at" IS NULL` })
@Check('certificates_code_length', `char_length("code") >= 22`)
@Check('certificates_status_index', `"status_index" >= 0`)
@Check('certificates_revocation_has_reason', `("revoked_at" IS NULL) = ("revoked_reason" IS NULL)`)
@Check('certificates_supersession_complete', `"superseded_by_id" IS NULL OR "superseded_at" IS NOT NULL`)
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The unguessable public code in the certificate's URL (128 random bits, base64url). */
  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'track_id', type: 'text' })
  trackId!: string;

  /** The signed OpenBadgeCredential, exactly as served. */
  @Column({ type: 'jsonb' })
  credential!: Record<string, unknown>;

  /** sha-256 of the served JSON; keys caches of signature checks. */
  @Column({ name: 'credential_hash', type: 'text' })
  credentialHash!: string;

  @Column({ name: 'curriculum_version', type: 'text' })
  curriculumVersion!: string;

  /** When the track was first completed; re-issues keep it. */
  @Column({ name: 'awarded_at', type: 'timestamptz' })
  awardedAt!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  @Column({ name: 'status_list_id', type: 'integer' })
  statusListId!: number;

  @ManyToOne(() => StatusList, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'status_list_id' })
  statusList?: StatusList;

  @Column({ name: 'status_index', type: 'integer' })
  statusIndex!: number;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;

  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true })
  supersededById!: string | null;

  @ManyToOne(() => Certificate, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'superseded_by_id' })
  supersededBy?: Certificate | null;

  /** The holder chose to hide the public page (it then answers 404 like an unknown code). */
  @Column({ type: 'boolean', default: false })
  hidden!: boolean;

  @CreateDateColumn({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** When "Your progress" congratulated the holder; null until their next visit after it was earned. */
  @Column({ name: 'celebrated_at', type: 'timestamptz', nullable: true })
  celebratedAt!: Date | null;
}

export const VERIFICATION_CHANNELS = ['page', 'json', 'pdf', 'paste'] as const;
export type VerificationChannel = (typeof VERIFICATION_CHANNELS)[number];

/** How often a certificate was looked at or checked, per day and channel (counted in batches). */
@Entity('certificate_verifications')
@Check('certificate_verifications_channel_known', `"channel" IN ('page', 'json', 'pdf', 'paste')`)
export class CertificateVerification {
  @PrimaryColumn({ name: 'certificate_id', type: 'uuid' })
  certificateId!: string;

  @ManyToOne(() => Certificate, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'certificate_id' })
  certificate?: Certificate;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  channel!: VerificationChannel;

  @Column({ type: 'integer', default: 0 })
  count!: number;
}
