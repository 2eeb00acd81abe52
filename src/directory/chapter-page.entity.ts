import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { User } from '../accounts/user.entity';

/** Lower-case words joined by single hyphens, 2 to 60 characters: the chapter's public address. */
export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

/**
 * A chapter's public page, written by its admins. A chapter is in the public directory once it has
 * a page and the page is listed; an unlisted page is still reachable at its address.
 */
@Entity('chapter_pages')
@Check('chapter_pages_slug_format', `"slug" ~ '${SLUG_PATTERN}' AND char_length("slug") BETWEEN 2 AND 60`)
@Check('chapter_pages_about_length', `char_length("about") <= 10000`)
@Check(
  'chapter_pages_short_lengths',
  `char_length("meeting_when") <= 300 AND char_length("meeting_where") <= 300 AND char_length("contact") <= 300`,
)
@Check('chapter_pages_links_length', `char_length("links") <= 2000`)
export class ChapterPage {
  @PrimaryColumn({ name: 'chapter_id', type: 'uuid' })
  chapterId!: string;

  @OneToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapter_id' })
  chapter?: Chapter;

  @Column({ type: 'text', unique: true })
  slug!: string;

  /** Markdown, rendered like evidence (no raw HTML, safe links). */
  @Column({ type: 'text', default: '' })
  about!: string;

  @Column({ name: 'meeting_when', type: 'text', default: '' })
  meetingWhen!: string;

  @Column({ name: 'meeting_where', type: 'text', default: '' })
  meetingWhere!: string;

  /** An email address or a web address people can reach the chapter at. */
  @Column({ type: 'text', default: '' })
  contact!: string;

  /** Web addresses, one a line. */
  @Column({ type: 'text', default: '' })
  links!: string;

  @Column({ type: 'boolean', default: true })
  listed!: boolean;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'updated_by' })
  updater?: User | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
