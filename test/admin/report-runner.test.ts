import type { EntityManager } from 'typeorm';
import { ReportRunner } from '../../src/admin/report-runner';
import { ReportsService, type ReportFilter } from '../../src/admin/reports.service';
import type { CurriculumTrack } from '../../src/curriculum/curriculum.types';
import { ServiceUnavailable } from '../../src/web/errors';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';

/** The real report, with its funnel query held in PostgreSQL for `holdSeconds` first. */
class HeldReports extends ReportsService {
  holdSeconds = 0;
  running = 0;
  mostAtOnce = 0;
  computed = 0;

  override async funnel(manager: EntityManager, f: ReportFilter & { track: CurriculumTrack }) {
    this.computed += 1;
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    try {
      await manager.query('SELECT pg_sleep($1)', [this.holdSeconds]);
      return await super.funnel(manager, f);
    } finally {
      this.running -= 1;
    }
  }
}

describe('report runner: admission, server-side cancelling, short cache', () => {
  let t: TestApp;
  let filter: ReportFilter & { track: CurriculumTrack };
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  beforeAll(async () => {
    t = await startTestApp();
    const track = curriculum().tracks[0];
    const to = new Date();
    filter = {
      chapterId: null,
      cohortId: null,
      trackId: track.id,
      from: new Date(to.getTime() - 7 * 86_400_000),
      to,
      track,
    };
  });
  afterAll(() => t.close());

  const sleepingQueries = async () =>
    (
      await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()`,
      )
    )[0].n;

  it('cancels a report query in PostgreSQL at the timeout (503 with a message), leaving nothing running', async () => {
    const reports = new HeldReports(curriculum, 30);
    reports.holdSeconds = 5;
    const runner = new ReportRunner(t.dataSource, reports, { concurrency: 2, timeoutMs: 300, cacheMs: 0 });
    const started = Date.now();
    const failure = await runner.view(filter, { cached: false }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect((failure as Error).message).toMatch(/took too long/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await sleepingQueries()).toBe(0);
  });

  it('runs at most `concurrency` reports at once while other queries keep answering', async () => {
    const reports = new HeldReports(curriculum, 30);
    reports.holdSeconds = 0.3;
    const runner = new ReportRunner(t.dataSource, reports, { concurrency: 1, timeoutMs: 5000, cacheMs: 0 });
    const views = [1, 2, 3].map(() => runner.view(filter, { cached: false }));
    // Meanwhile an ordinary query on the shared pool is answered at once.
    const before = Date.now();
    await t.dataSource.query('SELECT 1');
    expect(Date.now() - before).toBeLessThan(250);
    const done = await Promise.all(views);
    expect(done.map((d) => d.funnel.overall)).toEqual([
      done[0].funnel.overall,
      done[0].funnel.overall,
      done[0].funnel.overall,
    ]);
    expect(reports.mostAtOnce).toBe(1);
    expect(reports.computed).toBe(3);
  });

  it('reuses a computed view for the cache time, and shares one computation among simultaneous requests', async () => {
    const reports = new HeldReports(curriculum, 30);
    reports.holdSeconds = 0.1;
    const runner = new ReportRunner(t.dataSource, reports, {
      concurrency: 2,
      timeoutMs: 5000,
      cacheMs: 60_000,
    });
    const [a, b] = await Promise.all([
      runner.view(filter, { cached: true }),
      runner.view(filter, { cached: true }),
    ]);
    const c = await runner.view(filter, { cached: true });
    expect(reports.computed).toBe(1);
    expect(b.computedAt).toEqual(a.computedAt);
    expect(c.computedAt).toEqual(a.computedAt);
    await runner.view(filter, { cached: false });
    expect(reports.computed).toBe(2);
  });
});
