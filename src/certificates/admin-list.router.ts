import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import type { CohortsService } from '../admin/cohorts.service';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { requireRole } from '../web/guards';
import { idOf } from '../web/params';
import { certificatesQuery, listCertificates } from './admin-list';
import type { CertificatesService } from './certificates.service';
import { dateOnly } from './view-models';

interface AdminCertificatesRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  certificates: CertificatesService;
  chapters: ChaptersService;
  cohorts: CohortsService;
}

const STATE_LABELS = {
  valid: 'Valid',
  expired: 'Expired',
  revoked: 'Revoked',
  superseded: 'Superseded',
} as const;

/** The admin list of every certificate, and the confirmation page before revoking one. */
export function adminCertificatesRouter({
  dataSource,
  catalog,
  certificates,
  chapters,
  cohorts,
}: AdminCertificatesRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const trackTitle = (trackId: string) => catalog.current().trackById.get(trackId)?.title ?? trackId;

  router.get('/admin/certificates', requireRole('admin'), async (req, res) => {
    const query = certificatesQuery.parse(req.query);
    const page = await listCertificates(manager, req.user, query);
    const filters = new URLSearchParams(
      Object.entries({ ...query, after: undefined }).filter((entry): entry is [string, string] =>
        Boolean(entry[1]),
      ),
    );
    res.render('certificates/list', {
      pageTitle: 'Certificates',
      query,
      rows: page.rows.map((row) => ({
        ...row,
        trackTitle: trackTitle(row.trackId),
        awarded: dateOnly(row.awardedAt),
        stateLabel: STATE_LABELS[row.state],
      })),
      nextPage: page.nextAfter ? `/admin/certificates?${filters.toString()}&after=${page.nextAfter}` : null,
      tracks: catalog.current().tracks.map((t) => ({ value: t.id, label: t.title })),
      statuses: Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label })),
      chapters: await chapters.forAdmin(manager, req.user),
      ...(await cohorts.forFilter(manager, req.user, {
        chapterId: query.chapterId ?? null,
        cohortId: query.cohortId ?? null,
      })),
    });
  });

  router.get('/admin/certificates/:id/revoke', requireRole('admin'), async (req, res) => {
    const certificate = await certificates.byId(manager, req.user, idOf(req));
    const holder = certificate.user!;
    res.render('certificates/confirm-revoke', {
      pageTitle: 'Revoke a certificate',
      certificate: {
        id: certificate.id,
        trackTitle: trackTitle(certificate.trackId),
        awarded: dateOnly(certificate.awardedAt),
        revoked: Boolean(certificate.revokedAt),
        superseded: Boolean(certificate.supersededAt),
      },
      holder: { id: holder.id, name: holder.displayName, email: holder.email },
    });
  });

  return router;
}
