import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('chapters')
@Check('chapters_name_length', `char_length("name") BETWEEN 1 AND 120`)
@Check('chapters_region_length', `char_length("region") <= 120`)
@Check('chapters_country_code_format', `"country_code" ~ '^[A-Z]{2}$'`)
@Check('chapters_state_code_format', `"state_code" ~ '^[A-Z0-9]{1,3}$'`)
export class Chapter {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text', default: '' })
  region!: string;

  /** ISO 3166-1 alpha-2 country the chapter is in ('US' unless set). */
  @Column({ name: 'country_code', type: 'text', default: 'US' })
  countryCode!: string;

  /**
   * The subdivision within the country: for the US the two-letter state code (ISO 3166-2 suffix,
   * e.g. 'MA', 'DC', 'PR'); null while unknown. The public directory and the join form route by it.
   */
  @Column({ name: 'state_code', type: 'text', nullable: true })
  stateCode!: string | null;

  /** IANA zone the chapter meets in; workshop times are shown to its members in this zone. */
  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
