import { Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { streamCsv } from '../web/csv-stream';
import { requireRole } from '../web/guards';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { describeAuditEvent } from './audit-words';
import { isoDay } from './reports.schemas';
import { AUDIT_PAGE_SIZE, type AuditLogService, type AuditQuery } from './audit-log.service';

const auditQuery = z.object({
  person: z.string().trim().max(100).catch(''),
  action: z.string().trim().max(100).catch(''),
  from: isoDay.nullable().catch(null),
  to: isoDay.nullable().catch(null),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

function parse(query: unknown): AuditQuery {
  const q = auditQuery.parse({ from: null, to: null, ...(query as object) });
  return q;
}

export function auditLogRouter({
  dataSource,
  pool,
  audit,
  catalog,
}: {
  catalog: CurriculumCatalog;
  dataSource: DataSource;
  pool: Pool;
  audit: AuditLogService;
}): Router {
  const router = Router();
  const manager = dataSource.manager;
  const titles = {
    milestone: (id: string) => catalog.current().milestoneById.get(id)?.milestone.title ?? id,
    track: (id: string) => catalog.current().trackById.get(id)?.title ?? id,
  };

  router.get('/admin/audit', requireRole('admin'), async (req, res) => {
    const q = parse(req.query);
    const { rows, total } = await audit.search(manager, req.user, q);
    const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
    const params = (page?: number) =>
      new URLSearchParams({
        person: q.person,
        action: q.action,
        from: day(q.from),
        to: day(q.to),
        ...(page && { page: String(page) }),
      }).toString();
    res.render('admin/audit', {
      pageTitle: 'Audit log',
      q: { ...q, from: day(q.from), to: day(q.to) },
      rows: rows.map((r) => ({
        ...r,
        when: r.created_at.toISOString().slice(0, 16).replace('T', ' '),
        sentence: describeAuditEvent(r, titles),
      })),
      total,
      actions: await audit.actions(manager),
      pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      pageLink: (page: number) => `/admin/audit?${params(page)}`,
      csvLink: `/admin/audit.csv?${params()}`,
    });
  });

  router.get('/admin/audit.csv', requireRole('admin'), async (req, res) => {
    await streamCsv(res, pool, audit.csv(req.user, parse(req.query)));
  });

  return router;
}
