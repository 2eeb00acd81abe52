/**
 * `DATA_DIR=bench/.data/db-x10 npx tsx bench/profile-reports.ts [--explain]`: times each report
 * query for the report variants on a seeded database (median of 5, one connection, no cache), and
 * with --explain prints EXPLAIN (ANALYZE, BUFFERS) of each slowest query's plan summary line.
 */
import { CurriculumCatalog } from '../src/curriculum/catalog';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/connect';
import { ReportsService, type ReportFilter } from '../src/admin/reports.service';

const METHODS = [
  'funnel',
  'milestonesPerWeek',
  'reviewTurnaround',
  'coachLoad',
  'workshops',
  'certificatesPerWeek',
  'stalled',
] as const;

async function main() {
  const config = loadConfig({ ...process.env, DB_QUERY_TIMEOUT_MS: '600000' });
  const catalog = new CurriculumCatalog(config.curriculumDir);
  const db = await connectDatabase(config, { migrate: true });
  const reports = new ReportsService(() => catalog.current(), config.stalledAfterDays ?? 30);
  const m = db.dataSource.manager;
  const [chapter] = await m.query<{ id: string }[]>(
    `SELECT chapter_id AS id FROM users WHERE role = 'organizer' AND chapter_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
  );
  const day = 86_400_000;
  const to = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const variants: [string, ReportFilter][] = [
    [
      '12 weeks',
      { chapterId: null, cohortId: null, trackId: null, from: new Date(to.getTime() - 83 * day), to },
    ],
    [
      '3 years',
      { chapterId: null, cohortId: null, trackId: null, from: new Date(to.getTime() - 3 * 365 * day), to },
    ],
    [
      'coach track',
      { chapterId: null, cohortId: null, trackId: 'coach', from: new Date(to.getTime() - 83 * day), to },
    ],
    [
      'chapter, 3 years',
      {
        chapterId: chapter.id,
        cohortId: null,
        trackId: null,
        from: new Date(to.getTime() - 3 * 365 * day),
        to,
      },
    ],
  ];
  for (const [name, filter] of variants) {
    const f = {
      ...filter,
      track: filter.trackId ? catalog.current().trackById.get(filter.trackId)! : catalog.current().tracks[0],
    };
    const line: string[] = [];
    for (const method of METHODS) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await (reports[method] as (mm: typeof m, ff: typeof f) => Promise<unknown>).call(reports, m, f);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      line.push(`${method} ${times[2].toFixed(1)}`);
    }
    console.log(`${name.padEnd(18)} ${line.join(' · ')}`);
  }
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
