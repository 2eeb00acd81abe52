import fs from 'node:fs';
import path from 'node:path';
import type { BenchManifest } from '../scripts/seed/bench-manifest';
import { BENCH_DOMAIN } from '../scripts/seed/bench-manifest';
import { get, signIn } from './lib/http';
import { run, startProcess, stopProcess, waitFor200 } from './lib/proc';

/**
 * The admin group: each admin page's service time (median of sequential requests, one at a time,
 * report cache off so every request computes its report) on the bench data at each scale, and an
 * organizer's `/me` while four report loops run at once (admission: organizers never wait for a
 * report). Scales above 1 get their own DATA_DIR (bench/.data/db-x<scale>), seeded with
 * BENCH_SCALE once and kept for later runs.
 */

export interface AdminPageResult {
  page: string;
  kind: 'report' | 'list';
  medianMs: number;
  p90Ms: number;
  statuses: number[];
}

export interface AdminScaleResult {
  scale: number;
  counts: Record<string, number>;
  pages: AdminPageResult[];
  /** An organizer's /me alone, then while four report loops run. */
  meIdleMs: number;
  meUnderReportsMs: number;
  meUnderReportsStatuses: number[];
  targets: { label: string; pass: boolean }[];
}

export interface AdminGroupOptions {
  node: string;
  scales: number[];
  port: number;
  workDir: string;
  /** The 1× data directory (shared with the other cases). */
  dataDir: string;
  baseUrl: string;
  requests: number;
  log: (line: string) => void;
}

const REPORT_TARGET_MS: Record<number, number> = { 1: 300, 10: 300, 50: 1000 };
const LIST_TARGET_MS = 100;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];

async function measure(url: string, cookie: string, requests: number) {
  for (let i = 0; i < 2; i++) await get(url, { cookie });
  const times: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < requests; i++) {
    const r = await get(url, { cookie });
    times.push(r.ms);
    statuses.add(r.status);
  }
  return {
    medianMs: Math.round(median(times) * 10) / 10,
    p90Ms: Math.round(p90(times) * 10) / 10,
    statuses: [...statuses],
  };
}

async function oneScale(options: AdminGroupOptions, scale: number): Promise<AdminScaleResult> {
  const { log } = options;
  const dataDir = scale === 1 ? options.dataDir : path.join(options.workDir, `db-x${scale}`);
  const manifestFile = path.join(dataDir, 'bench-manifest.json');
  log(`admin group ${scale}×: data in ${dataDir} (seeding when empty)…`);
  const seedEnv = {
    DATA_DIR: dataDir,
    BASE_URL: options.baseUrl,
    LOG_LEVEL: 'warn',
    BENCH_SCALE: String(scale),
  };
  if (run('npx', ['tsx', 'scripts/seed-bench.ts', '--manifest', manifestFile], seedEnv) !== 0)
    throw new Error(`seeding the ${scale}× bench database failed`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BenchManifest;
  const port = options.port + scale;
  const origin = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: options.baseUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    // Every request computes its report: the cache would measure memory, not the queries.
    REPORT_CACHE_SECONDS: '0',
  };
  const logFile = path.join(options.workDir, 'logs', `admin-x${scale}-${Date.now()}.log`);
  const started = startProcess(options.node, ['dist/src/server.js'], env, logFile);
  try {
    await waitFor200(`${origin}/readyz`, started, performance.now());
    const admin = await signIn(origin, `bench-admin-1@${BENCH_DOMAIN}`, manifest.password);
    const organizer = await signIn(origin, manifest.organizers[0], manifest.password);
    const found = await get(`${origin}/admin/people?q=${encodeURIComponent(manifest.organizers[1])}`, {
      cookie: admin,
    });
    const personId = new RegExp(
      `href="/admin/people/([0-9a-f-]{36})">[^<]*</a></td>\\s*<td[^>]*>${manifest.organizers[1].replace(/[.]/g, '\\.')}<`,
    ).exec(found.body)?.[1];
    const threeYears = new Date(Date.now() - 3 * 365 * 86_400_000).toISOString().slice(0, 10);
    // A chapter and a cohort from the report's own filter (a chapter-scoped admin's report is the
    // chapter-filtered one: the filter is pinned to their chapter).
    // The cohort comes from the chapter-filtered page: with many cohorts, the filter lists only the
    // chosen chapter's.
    const firstOption = (page: string, name: string) =>
      new RegExp(
        `name="${name}"[^>]*>\\s*(?:<option value=""[^>]*>[^<]*</option>\\s*)?<option value="([0-9a-f-]{36})"`,
      ).exec(page)?.[1];
    const chapterId = firstOption(
      (await get(`${origin}/admin/reports`, { cookie: admin })).body,
      'chapterId',
    );
    const cohortId = firstOption(
      (await get(`${origin}/admin/reports${chapterId ? `?chapterId=${chapterId}` : ''}`, { cookie: admin }))
        .body,
      'cohortId',
    );
    const ranking = personId ? `/admin/people/${personId}/coach` : null;
    const rankingNext = ranking
      ? /<a href="([^"]+)" rel="next">/.exec((await get(`${origin}${ranking}`, { cookie: admin })).body)?.[1]
      : undefined;
    const requestsNext = /<a href="([^"]+)" rel="next">/.exec(
      (await get(`${origin}/admin/coach-requests`, { cookie: admin })).body,
    )?.[1];
    const maybe = (page: string | null | undefined, kind: AdminPageResult['kind']) =>
      page ? [[page.replace(/&amp;/g, '&'), kind, admin] as [string, AdminPageResult['kind'], string]] : [];
    const pages: [string, AdminPageResult['kind'], string][] = [
      ['/admin/reports', 'report', admin],
      [`/admin/reports?from=${threeYears}`, 'report', admin],
      ['/admin/reports?trackId=coach', 'report', admin],
      ...maybe(chapterId && `/admin/reports?chapterId=${chapterId}`, 'report'),
      ...maybe(chapterId && `/admin/reports?chapterId=${chapterId}&from=${threeYears}`, 'report'),
      ...maybe(cohortId && `/admin/reports?cohortId=${cohortId}`, 'report'),
      ['/admin/reports/all-sides', 'report', admin],
      ['/admin/people', 'list', admin],
      ['/admin/people?q=ann', 'list', admin],
      ['/admin/exports', 'list', admin],
      ...maybe(ranking, 'list'),
      ...maybe(rankingNext, 'list'),
      ['/admin/coach-requests', 'list', admin],
      ...maybe(requestsNext, 'list'),
      ['/workshops', 'list', organizer],
    ];
    const results: AdminPageResult[] = [];
    for (const [page, kind, cookie] of pages) {
      const m = await measure(`${origin}${page}`, cookie, options.requests);
      results.push({ page, kind, ...m });
      log(`  ${page.padEnd(48)} median ${m.medianMs} ms, p90 ${m.p90Ms} ms (${m.statuses.join(', ')})`);
    }
    const idle = await measure(`${origin}/me`, organizer, options.requests);
    let running = true;
    const loops = [0, 1, 2, 3].map(async (i) => {
      while (running) await get(`${origin}/admin/reports?from=${i % 2 ? threeYears : ''}`, { cookie: admin });
    });
    const busy = await measure(`${origin}/me`, organizer, options.requests);
    running = false;
    await Promise.all(loops);
    log(
      `  /me alone ${idle.medianMs} ms; while 4 reports run ${busy.medianMs} ms (${busy.statuses.join(', ')})`,
    );
    const reportTarget = REPORT_TARGET_MS[scale] ?? 1000;
    const targets = [
      ...results
        .filter((r) => r.kind === 'report')
        .map((r) => ({
          label: `${r.page} < ${reportTarget} ms at ${scale}×`,
          pass: r.medianMs < reportTarget,
        })),
      ...results
        .filter((r) => r.kind === 'list')
        .map((r) => ({
          label: `${r.page} < ${LIST_TARGET_MS} ms at ${scale}×`,
          pass: r.medianMs < LIST_TARGET_MS,
        })),
      { label: `/me answers 200 while reports run (${scale}×)`, pass: busy.statuses.every((s) => s === 200) },
    ];
    return {
      scale,
      counts: manifest.counts,
      pages: results,
      meIdleMs: idle.medianMs,
      meUnderReportsMs: busy.medianMs,
      meUnderReportsStatuses: busy.statuses,
      targets,
    };
  } finally {
    await stopProcess(started);
  }
}

/** Runs the admin group at each scale, one server at a time. */
export async function runAdminGroup(options: AdminGroupOptions): Promise<AdminScaleResult[]> {
  const results: AdminScaleResult[] = [];
  for (const scale of options.scales) results.push(await oneScale(options, scale));
  return results;
}

/** The admin group as a Markdown table (one column per scale). */
export function adminMarkdown(results: AdminScaleResult[]): string {
  const label = (page: string) =>
    page
      .replace(/[0-9a-f-]{36}/, '<id>')
      .replace(/from=\d{4}-\d{2}-\d{2}/, 'from=<3 years ago>')
      .replace(/after=[A-Za-z0-9_-]+/, 'after=<page 1 end>');
  const pages = results[0]?.pages.map((p) => label(p.page)) ?? [];
  const head = `| Page (median ms) | ${results.map((r) => `${r.scale}×`).join(' | ')} |`;
  const rule = `|---|${results.map(() => '---|').join('')}`;
  const rows = pages.map(
    (page) =>
      `| \`${page}\` | ${results
        .map((r) => String(r.pages.find((p) => label(p.page) === page)?.medianMs ?? '—'))
        .join(' | ')} |`,
  );
  const me = `| \`/me\` alone / while 4 reports run | ${results.map((r) => `${r.meIdleMs} / ${r.meUnderReportsMs}`).join(' | ')} |`;
  const users = `| users / submissions / completions | ${results
    .map((r) => `${r.counts.users} / ${r.counts.evidence_submissions} / ${r.counts.milestone_completions}`)
    .join(' | ')} |`;
  const failed = results.flatMap((r) => r.targets.filter((t) => !t.pass).map((t) => `- FAIL ${t.label}`));
  return [
    head,
    rule,
    ...rows,
    me,
    users,
    '',
    failed.length ? failed.join('\n') : 'All admin targets PASS.',
  ].join('\n');
}
