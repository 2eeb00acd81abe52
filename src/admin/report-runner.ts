import type { DataSource, EntityManager } from 'typeorm';
import { Admission } from '../db/admission';
import { withTransaction } from '../db/transaction';
import { ServiceUnavailable } from '../web/errors';
import type { ReportFilter, ReportsService } from './reports.service';
import type { CurriculumTrack } from '../curriculum/curriculum.types';
import type { FellowshipFigures, FellowshipReport } from '../circles/fellowship-report';
import { GatheringReports, type GatheringReport } from '../gatherings/gathering-reports';

type Filter = ReportFilter & { track: CurriculumTrack };
type Result<K extends keyof ReportsService> = ReportsService[K] extends (...args: never[]) => Promise<infer R>
  ? R
  : never;

/** Every figure of one report view, and when it was computed. */
export interface ReportData {
  computedAt: Date;
  funnel: Result<'funnel'>;
  perWeek: Result<'milestonesPerWeek'>;
  turnaround: Result<'reviewTurnaround'>;
  load: Result<'coachLoad'>;
  workshops: Result<'workshops'>;
  certificates: Result<'certificatesPerWeek'>;
  stalled: Result<'stalled'>;
  /** Circles: active members, asks answered in time, posts per kind (absent without the section). */
  fellowship?: FellowshipFigures;
  gatherings: GatheringReport;
}

export interface ReportRunnerOptions {
  concurrency: number;
  timeoutMs: number;
  cacheMs: number;
  /** The fellowship section (circles); without it the report has none. */
  fellowship?: FellowshipReport;
}

const MAX_CACHED_VIEWS = 200;
const QUERY_CANCELED = '57014';

/**
 * Computes report views within a bounded share of the database: at most `concurrency` reports at
 * once, each on one connection (one read-only transaction), each query cancelled by PostgreSQL
 * itself after `timeoutMs` (SET LOCAL statement_timeout), so nothing keeps running for a client
 * that gave up. A view is reused for `cacheMs` (the page says when it was computed), and
 * simultaneous requests for the same view share one computation.
 */
export class ReportRunner {
  private readonly admission: Admission;
  private readonly views = new Map<string, { at: number; data: Promise<ReportData> }>();
  private readonly gatherings = new GatheringReports();

  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportsService,
    private readonly options: ReportRunnerOptions,
  ) {
    this.admission = new Admission({
      concurrency: options.concurrency,
      maxWaiting: options.concurrency * 10,
      waitMs: options.timeoutMs,
      busyMessage: 'Many reports are being prepared right now. Please try again in a minute.',
    });
  }

  /**
   * The view for an effective filter (from ReportsService.effectiveFilter), reused for a short time
   * when `cached` (production). Throws ServiceUnavailable when too busy or too slow.
   */
  view(filter: Filter, { cached }: { cached: boolean }): Promise<ReportData> {
    const key = JSON.stringify([filter.chapterId, filter.cohortId, filter.track.id, filter.from, filter.to]);
    const kept = cached ? this.views.get(key) : undefined;
    if (kept && Date.now() - kept.at < this.options.cacheMs) return kept.data;
    const data = this.admission.run(() => this.compute(filter));
    if (cached && this.options.cacheMs > 0) {
      this.views.delete(key);
      if (this.views.size >= MAX_CACHED_VIEWS) this.views.delete(this.views.keys().next().value!);
      this.views.set(key, { at: Date.now(), data });
      data.catch(() => this.views.get(key)?.data === data && this.views.delete(key));
    }
    return data;
  }

  /**
   * Runs `work` as one report: admitted within the report share of the database, in a read-only
   * transaction whose statements PostgreSQL stops after the report timeout. Other reports (such as
   * "from all sides") use it so every report waits in the same queue. Throws ServiceUnavailable
   * when too busy or too slow.
   */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.admission.run(() => this.readOnly(work));
  }

  private compute(f: Filter): Promise<ReportData> {
    const r = this.reports;
    return this.readOnly(async (m) => ({
      computedAt: new Date(),
      funnel: await r.funnel(m, f),
      perWeek: await r.milestonesPerWeek(m, f),
      turnaround: await r.reviewTurnaround(m, f),
      load: await r.coachLoad(m, f),
      workshops: await r.workshops(m, f),
      certificates: await r.certificatesPerWeek(m, f),
      stalled: await r.stalled(m, f),
      fellowship: await this.options.fellowship?.figures(m, f),
      gatherings: await this.gatherings.section(m, f),
    }));
  }

  private async readOnly<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(this.dataSource, async (m) => {
        await m.query('SET TRANSACTION READ ONLY');
        await m.query(`SET LOCAL statement_timeout = ${Math.round(this.options.timeoutMs)}`);
        return work(m);
      });
    } catch (error) {
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (code === QUERY_CANCELED)
        throw new ServiceUnavailable(
          'This report took too long to prepare. Please try a shorter date range.',
        );
      throw error;
    }
  }
}
