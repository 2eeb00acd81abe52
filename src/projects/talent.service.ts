import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { NotFound, ValidationFailed } from '../web/errors';
import { TalentListing } from './talent.entities';

/**
 * A person may be listed only while they hold a current certificate: not revoked, not replaced by a
 * newer version, not hidden by them, not expired. Checked on every read, so a revocation removes
 * them from the listing (and the contact form) at once.
 */
const CURRENT_CERTIFICATE = `SELECT ce.code FROM certificates ce
  WHERE ce.user_id = u.id AND ce.revoked_at IS NULL AND ce.superseded_at IS NULL AND NOT ce.hidden
    AND (ce.valid_until IS NULL OR ce.valid_until > now())
  ORDER BY ce.issued_at DESC LIMIT 1`;

export const TALENT_PAGE_SIZE = 30;

/** What the public sees of a listed organizer: never an email address. */
export interface ListedPerson {
  id: string;
  name: string;
  chapter: string | null;
  chapterId: string | null;
  /** The public page of their current certificate, /c/<code>. */
  certificatePath: string;
  skills: string;
  note: string;
}

const LISTED_SELECT = `SELECT u.id, u.display_name AS name, ch.name AS chapter, u.chapter_id AS "chapterId",
    '/c/' || cert.code AS "certificatePath", t.skills, t.note, t.listed_at
  FROM talent_listings t JOIN users u ON u.id = t.user_id AND u.active
  LEFT JOIN chapters ch ON ch.id = u.chapter_id
  JOIN LATERAL (${CURRENT_CERTIFICATE}) cert ON true`;

/** Certified organizers' opt-in public listing, and who may be written to through it. */
export class TalentService {
  /** One page of the public listing (optionally one chapter's), by name. */
  async listing(
    manager: EntityManager,
    query: { chapterId: string | null; page: number },
  ): Promise<{ people: ListedPerson[]; more: boolean }> {
    const rows = await manager.query<ListedPerson[]>(
      `${LISTED_SELECT} WHERE ($1::uuid IS NULL OR u.chapter_id = $1)
        ORDER BY u.display_name, u.id LIMIT ${TALENT_PAGE_SIZE + 1} OFFSET $2`,
      [query.chapterId, (query.page - 1) * TALENT_PAGE_SIZE],
    );
    return { people: rows.slice(0, TALENT_PAGE_SIZE).map(toPerson), more: rows.length > TALENT_PAGE_SIZE };
  }

  /** A listed person, or NotFound when they opted out, lost their certificate or never opted in. */
  async listed(manager: EntityManager, userId: string): Promise<ListedPerson> {
    const [row] = await manager.query<ListedPerson[]>(`${LISTED_SELECT} WHERE t.user_id = $1`, [userId]);
    if (!row) throw new NotFound('This person is not on the listing.');
    return toPerson(row);
  }

  /** The listed person's address, for the contact service only (never shown). */
  async addressOf(manager: EntityManager, userId: string): Promise<{ email: string; name: string }> {
    const [row] = await manager.query<{ email: string; name: string }[]>(
      `SELECT u.email, u.display_name AS name FROM talent_listings t JOIN users u ON u.id = t.user_id AND u.active
         JOIN LATERAL (${CURRENT_CERTIFICATE}) cert ON true WHERE t.user_id = $1 FOR SHARE OF t`,
      [userId],
    );
    if (!row) throw new NotFound('This person is not on the listing.');
    return row;
  }

  /** Whether `actor` may be listed (holds a current certificate) and their listing, if any. */
  async mine(manager: EntityManager, actor: SessionUser | undefined) {
    const person = assertSignedIn(actor);
    const [row] = await manager.query<{ code: string | null }[]>(
      `SELECT (${CURRENT_CERTIFICATE}) AS code FROM users u WHERE u.id = $1`,
      [person.id],
    );
    const listing = await manager.findOneBy(TalentListing, { userId: person.id });
    return { certificatePath: row?.code ? `/c/${row.code}` : null, listing };
  }

  /** Lists `actor` (or updates their skills and note); only with a current certificate. Audited. */
  async optIn(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: { skills: string; note: string },
  ) {
    const person = assertSignedIn(actor);
    const { certificatePath, listing } = await this.mine(manager, person);
    if (!certificatePath)
      throw new ValidationFailed(
        {},
        'Only organizers holding a current certificate can be listed. It appears here once you earn one.',
      );
    await manager.upsert(TalentListing, { userId: person.id, ...input }, ['userId']);
    await recordAudit(manager, {
      actorId: person.id,
      action: listing ? 'talent.listing_updated' : 'talent.listed',
      subjectType: 'user',
      subjectId: person.id,
    });
  }

  /** Removes `actor` from the listing and its contact form at once. Audited. */
  async optOut(manager: EntityManager, actor: SessionUser | undefined): Promise<void> {
    const person = assertSignedIn(actor);
    const removed = await manager.delete(TalentListing, { userId: person.id });
    if (!removed.affected) return;
    await recordAudit(manager, {
      actorId: person.id,
      action: 'talent.unlisted',
      subjectType: 'user',
      subjectId: person.id,
    });
  }
}

function toPerson(row: ListedPerson): ListedPerson {
  const { id, name, chapter, chapterId, certificatePath, skills, note } = row;
  return { id, name, chapter, chapterId, certificatePath, skills, note };
}
