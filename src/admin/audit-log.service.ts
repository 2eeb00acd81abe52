import type { EntityManager } from 'typeorm';
import { assertAcademyAdmin } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { CsvExport } from '../web/csv-stream';
import { readTogether } from '../db/read-together';
import type { AuditFacts } from './audit-words';

export interface AuditQuery {
  person: string;
  action: string;
  from: Date | null;
  to: Date | null;
  page: number;
}

export const AUDIT_PAGE_SIZE = 50;

/** An audit event as the log lists it: its facts (with the names it is about, for audit-words.ts) and the rest. */
export interface AuditRow extends AuditFacts {
  id: string;
  created_at: Date;
  actor_email: string | null;
  subject_type: string;
  subject_id: string;
}

/**
 * The audit log: who did what, when. "person" matches the actor or a person the event is about, by
 * name or email; "action" matches the start of the action (e.g. "certificate." or "user.updated").
 */
function auditSql(q: AuditQuery): { where: string; params: unknown[] } {
  const pattern = q.person ? `%${q.person.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const action = q.action ? `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return {
    where: `FROM audit_events e
            LEFT JOIN users a ON a.id = e.actor_id
            LEFT JOIN users s ON e.subject_type = 'user' AND s.id::text = e.subject_id
            LEFT JOIN users d ON d.id::text = e.details->>'userId'
            LEFT JOIN workshops w ON e.subject_type = 'workshop' AND w.id::text = e.subject_id
            LEFT JOIN evidence_submissions es ON e.subject_type = 'submission' AND es.id::text = e.subject_id
            LEFT JOIN users so ON so.id = es.organizer_id
            LEFT JOIN certificates ce ON e.subject_type = 'certificate' AND ce.id::text = e.subject_id
            LEFT JOIN users ch ON ch.id = ce.user_id
           WHERE ($1::text IS NULL OR a.display_name ILIKE $1 OR a.email ILIKE $1 OR s.display_name ILIKE $1
                  OR s.email ILIKE $1 OR d.display_name ILIKE $1 OR d.email ILIKE $1)
             AND ($2::text IS NULL OR e.action ILIKE $2)
             AND ($3::timestamptz IS NULL OR e.created_at >= $3)
             AND ($4::timestamptz IS NULL OR e.created_at < $4::timestamptz + interval '1 day')`,
    params: [pattern, action, q.from, q.to],
  };
}

const COLUMNS = `e.id, e.created_at, e.action, a.display_name AS actor, a.email AS actor_email, e.subject_type,
                 e.subject_id, coalesce(s.display_name, d.display_name) AS subject, e.details,
                 w.title AS workshop_title, es.milestone_id, so.display_name AS submission_owner,
                 ce.track_id AS certificate_track, ch.display_name AS certificate_holder`;

export class AuditLogService {
  /** Academy-wide admins only: the log spans every chapter. */
  async search(
    manager: EntityManager,
    actor: SessionUser | undefined,
    q: AuditQuery,
  ): Promise<{ rows: AuditRow[]; total: number }> {
    assertAcademyAdmin(actor);
    const { where, params } = auditSql(q);
    const [rows, [{ total }]] = await readTogether(
      manager,
      () =>
        manager.query<AuditRow[]>(
          `SELECT ${COLUMNS} ${where} ORDER BY e.created_at DESC, e.id LIMIT ${AUDIT_PAGE_SIZE} OFFSET $5`,
          [...params, (q.page - 1) * AUDIT_PAGE_SIZE],
        ),
      () => manager.query<{ total: number }[]>(`SELECT count(*)::int AS total ${where}`, params),
    );
    return { rows, total };
  }

  async actions(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ action: string }[]>(
      'SELECT DISTINCT action FROM audit_events ORDER BY action',
    );
    return rows.map((r) => r.action);
  }

  csv(actor: SessionUser | undefined, q: AuditQuery): CsvExport<AuditRow> {
    assertAcademyAdmin(actor);
    const { where, params } = auditSql(q);
    return {
      filename: `audit-log-${new Date().toISOString().slice(0, 10)}.csv`,
      header: [
        'when (UTC)',
        'action',
        'actor',
        'actor email',
        'subject type',
        'subject id',
        'subject',
        'details',
      ],
      sql: `SELECT ${COLUMNS} ${where} ORDER BY e.created_at DESC, e.id`,
      params,
      cells: (r) => [
        r.created_at.toISOString(),
        r.action,
        r.actor ?? 'system',
        r.actor_email,
        r.subject_type,
        r.subject_id,
        r.subject,
        JSON.stringify(r.details),
      ],
    };
  }
}
