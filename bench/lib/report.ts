import type { LoadResult } from './load';

export interface CaseResult extends LoadResult {
  name: string;
  label: string;
  connections: number;
  /** Peak server RSS (MB) during this case; null for baselines. */
  peakRssMb: number | null;
  vsHttp?: number;
  /** Ratio to the Express + EJS baseline: the one measured right after this case when there is one. */
  vsExpress?: number;
  /** The Express + EJS baseline measured right after this case (cases with a ratio target). */
  expressAlongside?: { requestsPerSecond: number; appMs: number };
  /**
   * With several (case, baseline right after) pairs: each pair's req/s ratio, in the order measured.
   * The figures reported for the case are those of the median pair.
   */
  pairRatios?: number[];
  /**
   * CPU ms per request: the server process, the PostgreSQL backends serving its queries, and
   * PostgreSQL background work in the same period (the last two null with an external database).
   */
  cpu?: { appMs: number; dbMs: number | null; dbBackgroundMs?: number | null };
  /** Express+EJS CPU per request ÷ this case's (app + database) CPU per request: the req/s ratio on idle, equal cores. */
  vsExpressCpu?: number;
  note?: string;
}

export interface Target {
  name: string;
  actual: string;
  wanted: string;
  pass: boolean;
}

export interface BenchResults {
  node: string;
  nodeBinary: string;
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    model: string;
    memoryGb: number;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  settings: {
    duration: number;
    warmup: number;
    /** (case, baseline) pairs per ratio case; absent in runs from before pairs existed (one pair). */
    pairs?: number;
    connections: number;
    cases: string[];
    /** NODE_OPTIONS / UV_THREADPOOL_SIZE / MALLOC_ARENA_MAX given to the server and baselines, if any. */
    runtime: NodeJS.ProcessEnv;
  };
  database: string;
  pageBytes: number;
  cases: CaseResult[];
  baselines: CaseResult[];
  startup: {
    coldMs: number | null;
    /** Median of warmSamplesMs. */
    warmMs: number | null;
    warmSamplesMs?: number[];
    coldRssMb: number | null;
  };
  coldCertificatePageMs: { median: number; max: number; samples: number } | null;
  rss: { maxMb: number; idleAfterStartMb: number | null };
  targets: Target[];
  seedCounts: Record<string, number>;
}

const ratio = (value: number, base: number | undefined) =>
  base ? Math.round((value / base) * 100) / 100 : undefined;

/**
 * Adds each case's ratio to the node:http and Express+EJS baselines (by requests per second). A case
 * measured with its own Express + EJS baseline right after it is compared with that one.
 */
export function withRatios(cases: CaseResult[], baselines: CaseResult[]): CaseResult[] {
  const http = baselines.find((b) => b.name === 'baseline-http')?.requestsPerSecond;
  const expressCase = baselines.find((b) => b.name === 'baseline-express-ejs');
  return cases.map((c) => {
    const cpu = c.cpu ? c.cpu.appMs + (c.cpu.dbMs ?? 0) : undefined;
    const express = c.expressAlongside?.requestsPerSecond ?? expressCase?.requestsPerSecond;
    const expressCpu = c.expressAlongside?.appMs ?? expressCase?.cpu?.appMs;
    return {
      ...c,
      vsHttp: ratio(c.requestsPerSecond, http),
      vsExpress: ratio(c.requestsPerSecond, express),
      vsExpressCpu: cpu && expressCpu ? ratio(expressCpu, cpu) : undefined,
    };
  });
}

export function evaluateTargets(results: Pick<BenchResults, 'cases' | 'baselines' | 'rss'>): Target[] {
  const targets: Target[] = [];
  const byName = new Map(results.cases.map((c) => [c.name, c]));
  const ratioTarget = (name: string, min: number) => {
    const c = byName.get(name);
    if (!c || c.vsExpress === undefined) return;
    targets.push({
      name: `${c.label}: req/s vs Express+EJS`,
      actual: c.pairRatios
        ? `${c.vsExpress.toFixed(2)} (median of ${c.pairRatios.map((v) => v.toFixed(2)).join(', ')})`
        : c.vsExpress.toFixed(2),
      wanted: `>= ${min}`,
      pass: c.vsExpress >= min,
    });
  };
  ratioTarget('module-anonymous', 0.8);
  ratioTarget('module-signed-in', 0.5);
  ratioTarget('circle-page', 0.5);
  // The public chapter pages meet the anonymous module page's target.
  ratioTarget('directory-anonymous', 0.8);
  ratioTarget('chapter-page-anonymous', 0.8);
  ratioTarget('certificate-page', 0.7);
  ratioTarget('certificate-json', 0.7);
  const coach = byName.get('coach-dashboard');
  if (coach)
    targets.push({
      name: `${coach.label}: p99 latency`,
      actual: `${coach.latencyMs.p99} ms`,
      wanted: '< 100 ms',
      pass: coach.latencyMs.p99 < 100,
    });
  const failures = [...results.cases, ...results.baselines].reduce(
    (n, c) => n + c.errors + c.unexpectedStatus,
    0,
  );
  targets.push({
    name: 'Errors and unexpected statuses (all cases)',
    actual: String(failures),
    wanted: '0',
    pass: failures === 0,
  });
  targets.push({
    name: 'Server RSS, peak over the whole run',
    actual: `${results.rss.maxMb} MB`,
    wanted: '< 250 MB',
    pass: results.rss.maxMb < 250,
  });
  return targets;
}

const fmt = (n: number | undefined | null, digits = 0) =>
  n === undefined || n === null
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function markdownReport(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `### Node ${r.node} · ${r.settings.connections} connections · ${r.settings.duration} s per case${(r.settings.pairs ?? 1) > 1 ? ` · ratio cases: median of ${r.settings.pairs} pairs` : ''} · ${r.startedAt}`,
    '',
    `${
      Object.keys(r.settings.runtime).length
        ? `Runtime settings: ${Object.entries(r.settings.runtime)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}. `
        : ''
    }Machine: ${r.machine.cpus} × ${r.machine.model}, ${r.machine.memoryGb} GB; load average before ${r.machine.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')}, after ${r.machine.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')}. Database: ${r.database}. Module page: ${fmt(r.pageBytes)} bytes.`,
    '',
    '| Case | req/s | p50 ms | p99 ms | errors / unexpected status | × node:http | Express+EJS right after, req/s | × Express+EJS | CPU ms/req app + db | × Express+EJS by CPU | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const c of [...r.cases, ...r.baselines]) {
    lines.push(
      `| ${c.label}${c.connections !== r.settings.connections ? ` (${c.connections} conn.)` : ''} | ${fmt(c.requestsPerSecond, 1)} | ${fmt(c.latencyMs.p50)} | ${fmt(c.latencyMs.p99)} | ${c.errors} / ${c.unexpectedStatus} | ${fmt(c.vsHttp, 2)} | ${fmt(c.expressAlongside?.requestsPerSecond, 1)} | ${fmt(c.vsExpress, 2)}${c.pairRatios ? ` (${fmt(Math.min(...c.pairRatios), 2)}–${fmt(Math.max(...c.pairRatios), 2)})` : ''} | ${c.cpu ? `${fmt(c.cpu.appMs, 2)}${c.cpu.dbMs === null ? '' : ` + ${fmt(c.cpu.dbMs, 2)}`}` : '–'} | ${fmt(c.vsExpressCpu, 2)} | ${fmt(c.peakRssMb, 1)} |`,
    );
  }
  lines.push('');
  const s = r.startup;
  lines.push(
    `Start-up (spawn → first GET /readyz 200): cold, fresh DATA_DIR (initdb, migrations) ${s.coldMs === null ? '–' : `${fmt(s.coldMs)} ms`}; warm, same DATA_DIR again ${s.warmMs === null ? '–' : `${fmt(s.warmMs)} ms (median of ${s.warmSamplesMs?.map((v) => fmt(v)).join(', ')})`}.`,
  );
  if (r.coldCertificatePageMs)
    lines.push(
      `First view of a certificate (signature check not cached yet, one request at a time): median ${fmt(r.coldCertificatePageMs.median)} ms, max ${fmt(r.coldCertificatePageMs.max)} ms over ${r.coldCertificatePageMs.samples} certificates.`,
    );
  lines.push(
    `Server RSS: peak ${fmt(r.rss.maxMb, 1)} MB (idle after start ${fmt(r.rss.idleAfterStartMb, 1)} MB).`,
    '',
  );
  lines.push('| Target | Actual | Wanted | Result |', '| --- | ---: | ---: | --- |');
  for (const t of r.targets)
    lines.push(`| ${t.name} | ${t.actual} | ${t.wanted} | ${t.pass ? 'PASS' : '**FAIL**'} |`);
  return lines.join('\n');
}
