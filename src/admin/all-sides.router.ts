import { Router, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { csvLine } from '../web/csv';
import { requireRole } from '../web/guards';
import {
  allSidesPage,
  allSidesQuery,
  allSidesReport,
  CHAPTERS_PER_PAGE,
  periodsOf,
  SIDE_LABELS,
  type AllSidesRow,
} from './all-sides.service';
import type { ChaptersService } from './chapters.service';
import type { ReportRunner } from './report-runner';
import type { SideMeasure } from './side-measures';

interface AllSidesRouterDeps {
  dataSource: DataSource;
  runner: ReportRunner;
  chapters: ChaptersService;
  measures: readonly SideMeasure[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Writes the report's rows as CSV with the same cell rules, byte-order mark and headers as every export. */
function sendCsv(res: Response, measures: readonly SideMeasure[], rows: AllSidesRow[]): void {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .attachment(`all-sides-${day(new Date())}.csv`)
    .set('Cache-Control', 'no-store');
  res.write(
    '\ufeff' + csvLine(['chapter', 'period', 'period_start', 'period_end', ...measures.map((m) => m.key)]),
  );
  for (const r of rows)
    res.write(
      csvLine([
        r.chapter,
        r.period.label,
        day(r.period.start),
        day(new Date(r.period.end.getTime() - 86_400_000)),
        ...measures.map((m) => r.values[m.key]),
      ]),
    );
  res.end();
}

/** "From all sides": people helped, volunteers engaged and learners, per chapter and period. */
export function allSidesRouter({ dataSource, runner, chapters, measures }: AllSidesRouterDeps): Router {
  const router = Router();

  const filterOf = (req: Request) => {
    const query = allSidesQuery.parse(req.query);
    return { query, ...periodsOf(query) };
  };

  router.get('/admin/reports/all-sides.csv', requireRole('admin'), async (req, res) => {
    const { query, periods } = filterOf(req);
    const rows = await runner.run((m) => allSidesReport(m, req.user, measures, periods, query.chapterId));
    sendCsv(res, measures, rows);
  });

  // The page shows CHAPTERS_PER_PAGE chapters at a time (the CSV has them all).
  router.get('/admin/reports/all-sides', requireRole('admin'), async (req, res) => {
    const { query, periods, note } = filterOf(req);
    const page = { after: query.after ?? null, size: CHAPTERS_PER_PAGE };
    const { rows, next } = await runner.run((m) =>
      allSidesPage(m, req.user, measures, periods, query.chapterId, page),
    );
    const range = {
      from: day(periods[0].start),
      to: day(new Date(periods.at(-1)!.end.getTime() - 86_400_000)),
    };
    const csvQuery = new URLSearchParams({
      ...(query.chapterId && { chapterId: query.chapterId }),
      period: query.period,
      ...range,
    }).toString();
    const byChapter = new Map<string, { name: string; rows: AllSidesRow[] }>();
    for (const row of rows) {
      const key = row.chapterId ?? 'none';
      byChapter.set(key, { name: row.chapter, rows: [...(byChapter.get(key)?.rows ?? []), row] });
    }
    res.render('admin/all-sides', {
      pageTitle: 'From all sides',
      query: {
        ...query,
        from: csvQuery && day(periods[0].start),
        to: new URLSearchParams(csvQuery).get('to'),
      },
      note,
      chapters: await chapters.forAdmin(dataSource.manager, req.user),
      measures: measures.map((m) => ({
        key: m.key,
        label: m.label,
        side: SIDE_LABELS[m.side],
        method: m.method,
      })),
      tables: [...byChapter.values()].map((t) => ({
        name: t.name,
        rows: t.rows.map((r) => ({ period: r.period.label, values: measures.map((m) => r.values[m.key]) })),
      })),
      csvHref: `/admin/reports/all-sides.csv?${csvQuery}`,
      chaptersPerPage: CHAPTERS_PER_PAGE,
      pager:
        page.after || next
          ? {
              first: page.after ? `/admin/reports/all-sides?${csvQuery}` : null,
              previous: null,
              next: next && `/admin/reports/all-sides?${csvQuery}&after=${next}`,
            }
          : null,
    });
  });

  return router;
}
