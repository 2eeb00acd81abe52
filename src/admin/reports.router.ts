import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { requireRole } from '../web/guards';
import type { ChaptersService } from './chapters.service';
import type { CohortsService } from './cohorts.service';
import { fellowshipView } from './fellowship-view';
import { funnelSteps, funnelTable, hours, percent, reportCharts } from './report-view';
import { dateRange, reportQuery } from './reports.schemas';
import type { ReportRunner } from './report-runner';
import type { ReportsService } from './reports.service';
import { gatheringsReportView } from '../gatherings/report-view';

interface ReportsRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  reports: ReportsService;
  runner: ReportRunner;
  /** How long a computed view is reused (said on the page). */
  cacheMs: number;
  chapters: ChaptersService;
  cohorts: CohortsService;
}

export function reportsRouter({
  dataSource,
  catalog,
  reports,
  runner,
  cacheMs,
  chapters,
  cohorts,
}: ReportsRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;

  router.get('/admin/reports', requireRole('admin'), async (req, res) => {
    const query = reportQuery.parse(req.query);
    const range = dateRange(query);
    const filter = reports.effectiveFilter(req.user, { ...query, ...range });
    const {
      computedAt,
      funnel,
      perWeek,
      turnaround,
      load,
      workshops,
      certificates,
      stalled,
      fellowship,
      gatherings,
    } = await runner.view(filter, { cached: req.app.enabled('view cache') });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const shareQuery = new URLSearchParams({
      ...(filter.chapterId && { chapterId: filter.chapterId }),
      ...(filter.cohortId && { cohortId: filter.cohortId }),
      trackId: filter.track.id,
      from: day(filter.from),
      to: day(filter.to),
    }).toString();
    res.render('admin/reports', {
      pageTitle: 'Reports',
      filter: { ...filter, from: day(filter.from), to: day(filter.to), trackId: filter.track.id },
      note: range.note,
      computedAt: computedAt.toISOString().slice(0, 16).replace('T', ' '),
      cacheSeconds: req.app.enabled('view cache') ? Math.round(cacheMs / 1000) : 0,
      shareQuery,
      chapters: await chapters.forAdmin(manager, req.user),
      ...(await cohorts.forFilter(manager, req.user, filter)),
      tracks: catalog.current().tracks.map((t) => ({ id: t.id, title: t.title })),
      funnel: funnelSteps(funnel.overall),
      funnelByChapter: funnelTable(funnel.byChapter),
      funnelByCohort: funnelTable(funnel.byCohort),
      perWeek,
      turnaround: {
        overall: { reviews: turnaround.overall.reviews, median: hours(turnaround.overall.medianHours) },
        perCoach: turnaround.perCoach.map((c) => ({ ...c, median: hours(c.medianHours) })),
      },
      load: load.map((c) => ({ ...c, loadText: percent(c.load) })),
      workshops: {
        count: workshops.count,
        fillRate: percent(workshops.fillRate),
        attendanceRate: percent(workshops.attendanceRate),
        rows: workshops.rows.map((w) => ({
          ...w,
          date: day(w.starts_at),
          fillRate: percent(w.fillRate),
          attendanceRate: percent(w.attendanceRate),
        })),
      },
      certificates,
      stalled: stalled.map((s) => ({ ...s, lastActivity: s.last_activity ? day(s.last_activity) : 'never' })),
      stalledAfterDays: reports.stalledAfterDays,
      gatherings: gatheringsReportView(gatherings),
      charts: reportCharts({ funnel, perWeek, turnaround, load, workshops, certificates }),
      fellowship: fellowship ? fellowshipView(fellowship) : null,
    });
  });

  return router;
}
