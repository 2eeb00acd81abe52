import { Check, Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../accounts/user.entity';

/**
 * A certified organizer's choice to appear on the public talent listing. Deleting the row (opting
 * out) removes them at once; a person without a current, unrevoked, visible certificate is never
 * shown, whatever this table holds.
 */
@Entity('talent_listings')
@Check('talent_listings_skills_length', `char_length("skills") <= 300`)
@Check('talent_listings_note_length', `char_length("note") <= 500`)
export class TalentListing {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'text', default: '' })
  skills!: string;

  @Column({ type: 'text', default: '' })
  note!: string;

  @CreateDateColumn({ name: 'listed_at', type: 'timestamptz' })
  listedAt!: Date;
}
