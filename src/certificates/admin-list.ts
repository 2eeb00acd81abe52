import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { CertificateState } from './certificates.service';

export const CERTIFICATES_PAGE_SIZE = 50;

const optionalUuid = z.uuid().optional().catch(undefined);

/** Filters of the admin certificate list; anything malformed is ignored rather than refused. */
export const certificatesQuery = z.object({
  trackId: z.string().max(200).optional().catch(undefined),
  status: z.enum(['valid', 'expired', 'revoked', 'superseded']).optional().catch(undefined),
  chapterId: optionalUuid,
  cohortId: optionalUuid,
  after: optionalUuid,
});
export type CertificatesQuery = z.infer<typeof certificatesQuery>;

export interface CertificateListRow {
  id: string;
  code: string;
  trackId: string;
  holderId: string;
  holderName: string;
  chapterName: string | null;
  cohortName: string | null;
  awardedAt: Date;
  state: CertificateState;
}

const STATE_SQL = `CASE WHEN c.revoked_at IS NOT NULL THEN 'revoked'
                        WHEN c.superseded_at IS NOT NULL THEN 'superseded'
                        WHEN c.valid_until IS NOT NULL AND c.valid_until <= now() THEN 'expired'
                        ELSE 'valid' END`;

/**
 * Admins: every certificate in their scope, newest issue first, filtered by track, state, chapter
 * and cohort, one page at a time (keyset: after the row `after`, so pages stay fast and stable).
 */
export async function listCertificates(
  manager: EntityManager,
  actor: SessionUser | undefined,
  query: CertificatesQuery,
): Promise<{ rows: CertificateListRow[]; nextAfter: string | null }> {
  const admin = assertAdmin(actor);
  const rows = await manager.query<CertificateListRow[]>(
    `SELECT c.id, c.code, c.track_id AS "trackId", u.id AS "holderId", u.display_name AS "holderName",
            ch.name AS "chapterName", co.name AS "cohortName", c.awarded_at AS "awardedAt",
            ${STATE_SQL} AS state
       FROM certificates c
       JOIN users u ON u.id = c.user_id
       LEFT JOIN chapters ch ON ch.id = u.chapter_id
       LEFT JOIN cohorts co ON co.id = u.cohort_id
      WHERE ($1::uuid IS NULL OR u.chapter_id = $1)
        AND ($2::text IS NULL OR c.track_id = $2)
        AND ($3::text IS NULL OR ${STATE_SQL} = $3)
        AND ($4::uuid IS NULL OR u.chapter_id = $4)
        AND ($5::uuid IS NULL OR u.cohort_id = $5)
        AND ($6::uuid IS NULL OR (c.issued_at, c.id) < (SELECT a.issued_at, a.id FROM certificates a WHERE a.id = $6))
      ORDER BY c.issued_at DESC, c.id DESC
      LIMIT ${CERTIFICATES_PAGE_SIZE + 1}`,
    [
      scopeOf(admin),
      query.trackId || null,
      query.status ?? null,
      query.chapterId ?? null,
      query.cohortId ?? null,
      query.after ?? null,
    ],
  );
  return {
    rows: rows.slice(0, CERTIFICATES_PAGE_SIZE),
    nextAfter: rows.length > CERTIFICATES_PAGE_SIZE ? rows[CERTIFICATES_PAGE_SIZE - 1].id : null,
  };
}
