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
import { Chapter } from '../accounts/chapter.entity';
import { Invite } from '../accounts/invite.entity';
import { User } from '../accounts/user.entity';

export const INTENTS = ['join', 'start', 'help'] as const;
export type Intent = (typeof INTENTS)[number];
export const PARTNER_KINDS = ['government', 'nonprofit', 'company', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];
export const PARTNER_STATUSES = ['new', 'talking', 'project_started', 'declined', 'done'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];
/** Where a partner request may move from each status; declined and done are final. */
export const NEXT_STATUSES: Readonly<Record<PartnerStatus, readonly PartnerStatus[]>> = {
  new: ['talking', 'declined'],
  talking: ['project_started', 'declined', 'done'],
  project_started: ['done', 'declined'],
  declined: [],
  done: [],
};
const ALLOWED_PAIRS_SQL = Object.entries(NEXT_STATUSES)
  .flatMap(([from, tos]) => tos.map((to) => `('${from}', '${to}')`))
  .join(', ');

export const ANSWERS = ['pending', 'accepted', 'declined'] as const;
export type Answer = (typeof ANSWERS)[number];

const sql = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** Columns both public forms share: who wrote, the emailed confirmation, and where they are. */
abstract class ConfirmedByEmail {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** SHA-256 of the confirmation link's token; null once confirmed (the link is used up). */
  @Column({ name: 'confirm_token_hash', type: 'text', nullable: true, unique: true })
  confirmTokenHash!: string | null;

  @Column({ name: 'confirm_expires_at', type: 'timestamptz' })
  confirmExpiresAt!: Date;

  /** Null until the person follows the emailed link: until then no admin sees the request. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  /** The chapter it was routed to when confirmed; null: the academy's admins answer it. */
  @Column({ name: 'chapter_id', type: 'uuid', nullable: true })
  chapterId!: string | null;

  @ManyToOne(() => Chapter, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** "Join or start a group": a newcomer's request, routed to the nearest chapter once confirmed. */
@Entity('join_requests')
@Check('join_requests_email_lowercase', `"email" = lower("email")`)
@Check('join_requests_intent_known', `"intent" IN (${sql(INTENTS)})`)
@Check('join_requests_country_format', `"country_code" ~ '^[A-Z]{2}$'`)
@Check('join_requests_confirmed_has_no_token', `"confirmed_at" IS NULL OR "confirm_token_hash" IS NULL`)
@Index('join_requests_confirmed', ['confirmedAt'])
@Index('join_requests_chapter', ['chapterId', 'confirmedAt'])
export class JoinRequest extends ConfirmedByEmail {
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'country_code', type: 'text', default: 'US' })
  countryCode!: string;

  /** Two-letter US state; null outside the US. */
  @Column({ name: 'state_code', type: 'text', nullable: true })
  stateCode!: string | null;

  /** Region or city outside the US (free text). */
  @Column({ type: 'text', default: '' })
  region!: string;

  @Column({ type: 'text' })
  intent!: Intent;

  @Column({ type: 'text', default: '' })
  note!: string;

  /** The invite an admin sent from this request. */
  @Column({ name: 'invite_id', type: 'uuid', nullable: true })
  inviteId!: string | null;

  @ManyToOne(() => Invite, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'invite_id' })
  invite?: Invite | null;

  /** The member they became: set by the database when that invite is accepted. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: User | null;

  @Column({ name: 'replied_at', type: 'timestamptz', nullable: true })
  repliedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}

/** "Bring us a problem or ask for advice": an organisation's request to a chapter. */
@Entity('partner_requests')
@Check('partner_requests_email_lowercase', `"contact_email" = lower("contact_email")`)
@Check('partner_requests_kind_known', `"kind" IN (${sql(PARTNER_KINDS)})`)
@Check('partner_requests_status_known', `"status" IN (${sql(PARTNER_STATUSES)})`)
@Check('partner_requests_confirmed_has_no_token', `"confirmed_at" IS NULL OR "confirm_token_hash" IS NULL`)
@Index('partner_requests_confirmed', ['confirmedAt'])
@Index('partner_requests_chapter', ['chapterId', 'confirmedAt'])
export class PartnerRequest extends ConfirmedByEmail {
  @Column({ type: 'text' })
  organisation!: string;

  @Column({ name: 'contact_name', type: 'text' })
  contactName!: string;

  @Column({ name: 'contact_email', type: 'text' })
  contactEmail!: string;

  @Column({ type: 'text' })
  kind!: PartnerKind;

  @Column({ type: 'text' })
  need!: string;

  @Column({ type: 'date', nullable: true })
  deadline!: string | null;

  /** "Nearest to" this US state, when the partner chose no chapter. */
  @Column({ name: 'near_state', type: 'text', nullable: true })
  nearState!: string | null;

  @Column({ type: 'text', default: 'new' })
  status!: PartnerStatus;

  /** SHA-256 of the private status link's token; null: revoked (admins can issue a new one). */
  @Column({ name: 'status_token_hash', type: 'text', nullable: true, unique: true })
  statusTokenHash!: string | null;
}

/** Each move of a partner request (or a note on it), with who made it: the request's history. */
@Entity('partner_request_transitions')
@Check('partner_request_transitions_from_known', `"from_status" IN (${sql(PARTNER_STATUSES)})`)
@Check('partner_request_transitions_to_known', `"to_status" IN (${sql(PARTNER_STATUSES)})`)
// A note without a move keeps the status (from = to); any other pair must be an allowed move.
@Check(
  'partner_request_transitions_allowed',
  `"from_status" = "to_status" OR ("from_status", "to_status") IN (${ALLOWED_PAIRS_SQL})`,
)
@Index('partner_request_transitions_request', ['requestId', 'createdAt'])
@Index('partner_request_transitions_created', ['createdAt'])
export class PartnerRequestTransition {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => PartnerRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id' })
  request?: PartnerRequest;

  @Column({ name: 'from_status', type: 'text' })
  fromStatus!: PartnerStatus;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: PartnerStatus;

  /** Shown to the partner on their status page and in the email. */
  @Column({ name: 'note_for_partner', type: 'text', default: '' })
  noteForPartner!: string;

  /** Seen only by the chapter's admins. */
  @Column({ name: 'internal_note', type: 'text', default: '' })
  internalNote!: string;

  @Column({ name: 'actor_id', type: 'uuid' })
  actorId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id' })
  actor?: User;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * An admin introduces a partner request to a member. Contact details are shared only once both
 * sides accepted (double opt-in); a decline by either ends it.
 */
@Entity('introductions')
@Check('introductions_partner_answer_known', `"partner_answer" IN (${sql(ANSWERS)})`)
@Check('introductions_person_answer_known', `"person_answer" IN (${sql(ANSWERS)})`)
@Index('introductions_one_per_person', ['requestId', 'userId'], { unique: true })
@Index('introductions_user', ['userId'])
export class Introduction {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => PartnerRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id' })
  request?: PartnerRequest;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'introduced_by_id', type: 'uuid' })
  introducedById!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'introduced_by_id' })
  introducedBy?: User;

  @Column({ name: 'partner_token_hash', type: 'text', unique: true })
  partnerTokenHash!: string;

  @Column({ name: 'person_token_hash', type: 'text', unique: true })
  personTokenHash!: string;

  @Column({ name: 'partner_answer', type: 'text', default: 'pending' })
  partnerAnswer!: Answer;

  @Column({ name: 'person_answer', type: 'text', default: 'pending' })
  personAnswer!: Answer;

  @Column({ type: 'text', default: '' })
  message!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
