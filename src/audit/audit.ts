import type { EntityManager } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

/** Writes an audit row with the manager of the change it records, so both commit or neither does. */
export async function recordAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  const event = manager.create(AuditEvent, { ...entry, details: entry.details ?? {} });
  await manager.save(event);
}
