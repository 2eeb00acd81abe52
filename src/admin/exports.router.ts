import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { CurriculumCatalog } from '../curriculum/catalog';
import type { CsvDownloads } from '../web/csv-stream';
import { NotFound } from '../web/errors';
import { requireRole } from '../web/guards';
import type { ChaptersService } from './chapters.service';
import type { CohortsService } from './cohorts.service';
import { EXPORTS, type ExportName, type ExportsService } from './exports.service';
import { reportQuery } from './reports.schemas';

interface ExportsRouterDeps {
  dataSource: DataSource;
  downloads: CsvDownloads;
  catalog: CurriculumCatalog;
  exportsService: ExportsService;
  chapters: ChaptersService;
  cohorts: CohortsService;
}

const exportName = z.enum(EXPORTS);

export const EXPORT_TITLES: Record<ExportName, string> = {
  people: 'People and progress',
  submissions: 'Milestone submissions and reviews',
  attendance: 'Workshop attendance',
  certificates: 'Certificates',
};

export function exportsRouter({
  dataSource,
  downloads,
  catalog,
  exportsService,
  chapters,
  cohorts,
}: ExportsRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;

  router.get('/admin/exports', requireRole('admin'), async (req, res) => {
    const query = reportQuery.parse(req.query);
    const params = new URLSearchParams({
      ...(query.chapterId && { chapterId: query.chapterId }),
      ...(query.cohortId && { cohortId: query.cohortId }),
      ...(query.trackId && { trackId: query.trackId }),
    }).toString();
    res.render('admin/exports', {
      pageTitle: 'Exports',
      query,
      chapters: await chapters.forAdmin(manager, req.user),
      ...(await cohorts.forFilter(manager, req.user, {
        chapterId: query.chapterId ?? null,
        cohortId: query.cohortId ?? null,
      })),
      tracks: catalog.current().tracks.map((t) => ({ id: t.id, title: t.title })),
      links: EXPORTS.map((name) => ({
        title: EXPORT_TITLES[name],
        href: `/admin/exports/${name}.csv${params ? `?${params}` : ''}`,
      })),
    });
  });

  router.get('/admin/exports/:file', requireRole('admin'), async (req, res) => {
    const name = exportName.safeParse(String(req.params.file).replace(/\.csv$/, ''));
    if (!name.success || !String(req.params.file).endsWith('.csv'))
      throw new NotFound('There is no such export.');
    const query = reportQuery.parse(req.query);
    const track =
      (query.trackId && catalog.current().trackById.get(query.trackId)) || catalog.current().tracks[0];
    await downloads.send(res, exportsService.build(req.user, name.data, query, track));
  });

  return router;
}
