import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchManifest } from '../scripts/seed/bench-manifest';
import { adminMarkdown, runAdminGroup } from './admin-group';
import { get, loginBody, loginForm, mapLimit, signIn, type LoginForm } from './lib/http';
import { load, type LoadOptions } from './lib/load';
import {
  cpuMs,
  nodeVersion,
  projectRoot,
  RssSampler,
  run,
  startProcess,
  stopProcess,
  waitFor200,
  type Started,
} from './lib/proc';
import {
  evaluateTargets,
  markdownReport,
  withRatios,
  type BenchResults,
  type CaseResult,
} from './lib/report';

/**
 * `npm run bench`: builds the app, seeds the bench database when it is empty, starts the server in
 * production mode and measures each case with autocannon, then two baselines (bare node:http and a
 * bare Express + EJS app serving the same number of bytes) and cold/warm start-up.
 * Flags (or env): --duration N (BENCH_DURATION, 10), --connections N (BENCH_CONNECTIONS, 50),
 * --warmup N (BENCH_WARMUP, 2), --cases a,b (BENCH_CASES), --skip-build, --skip-startup,
 * --skip-baselines, --profile (server --cpu-prof into bench/.data/profiles), --pairs N (BENCH_PAIRS, 3:
 * each case with a ratio target is measured N times, each time with its baseline right after, and
 * the median pair is reported with the spread). BENCH_NODE picks the
 * Node binary for the server and the baselines; BENCH_DATABASE_URL uses an external PostgreSQL.
 * Then the admin group (bench/admin-group.ts) at BENCH_ADMIN_SCALES (--admin-scales, "1,10");
 * --skip-admin leaves it out, --admin-only runs nothing else.
 */

const ALL_CASES = [
  'module-anonymous',
  'module-signed-in',
  'circle-page',
  'directory-anonymous',
  'chapter-page-anonymous',
  'coach-dashboard',
  'coach-dashboard-1',
  'certificate-page',
  'certificate-json',
  'verify-paste',
  'login',
] as const;
type CaseName = (typeof ALL_CASES)[number];
/** The cases whose targets are ratios to the Express + EJS baseline. */
const RATIO_CASES = new Set<CaseName>([
  'module-anonymous',
  'directory-anonymous',
  'chapter-page-anonymous',
  'module-signed-in',
  'circle-page',
  'certificate-page',
  'certificate-json',
]);

const LABELS: Record<CaseName | 'baseline-http' | 'baseline-express-ejs', string> = {
  'module-anonymous': 'Module page, anonymous',
  'module-signed-in': 'Module page, signed in',
  'circle-page': 'Circle page (10,000 posts), signed in',
  'directory-anonymous': 'Chapter directory, anonymous',
  'chapter-page-anonymous': 'Chapter page, anonymous',
  'coach-dashboard': 'Coach dashboard (50 organizers)',
  'coach-dashboard-1': 'Coach dashboard, one connection (service time)',
  'certificate-page': 'Certificate page',
  'certificate-json': 'Certificate JSON',
  'verify-paste': 'Verify by paste (POST /verify)',
  login: 'Sign-in (POST /login, argon2id)',
  'baseline-http': 'Baseline: bare node:http',
  'baseline-express-ejs': 'Baseline: bare Express + EJS',
};

interface Options {
  duration: number;
  connections: number;
  warmup: number;
  /** How many (case, baseline right after) pairs each ratio case gets; the median pair is reported. */
  pairs: number;
  cases: CaseName[];
  build: boolean;
  startup: boolean;
  baselines: boolean;
  profile: boolean;
  summaryFile?: string;
  /** Scales of the admin group (BENCH_ADMIN_SCALES, "1,10"); empty with --skip-admin. */
  adminScales: number[];
  /** Only the admin group (--admin-only). */
  adminOnly: boolean;
}

function parseOptions(argv: string[]): Options {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string, env: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : (process.env[env] ?? fallback);
  };
  const number = (name: string, env: string, fallback: number) => {
    const n = Number(value(name, env, String(fallback)));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
    return n;
  };
  const cases = value('cases', 'BENCH_CASES', ALL_CASES.join(','))
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const unknown = cases.filter((c) => !(ALL_CASES as readonly string[]).includes(c));
  if (unknown.length)
    throw new Error(`unknown case(s) ${unknown.join(', ')}; known: ${ALL_CASES.join(', ')}`);
  return {
    duration: number('duration', 'BENCH_DURATION', 10),
    connections: number('connections', 'BENCH_CONNECTIONS', 50),
    warmup: number('warmup', 'BENCH_WARMUP', 2),
    pairs: Math.max(1, Math.round(number('pairs', 'BENCH_PAIRS', 3))),
    cases: cases as CaseName[],
    build: !flag('skip-build'),
    startup: !flag('skip-startup'),
    baselines: !flag('skip-baselines'),
    profile: flag('profile') || process.env.BENCH_PROFILE === '1',
    summaryFile: value('summary-file', 'BENCH_SUMMARY_FILE', '') || undefined,
    adminScales: flag('skip-admin')
      ? []
      : value('admin-scales', 'BENCH_ADMIN_SCALES', '1,10')
          .split(',')
          .map(Number)
          .filter((n) => Number.isInteger(n) && n >= 1),
    adminOnly: flag('admin-only'),
  };
}

const log = (line: string) => console.log(`[bench] ${line}`);

/**
 * CPU milliseconds per request of the server process and of the PostgreSQL backends serving it
 * (embedded database only); background PostgreSQL work (autovacuum, checkpoints) is kept apart.
 */
function perRequest(
  before: ReturnType<typeof cpuMs>,
  after: ReturnType<typeof cpuMs>,
  requests: number,
  withDatabase: boolean,
): CaseResult['cpu'] {
  if (!requests) return undefined;
  const round = (ms: number) => Math.round((ms / requests) * 1000) / 1000;
  return {
    appMs: round(after.self - before.self),
    dbMs: withDatabase ? round(after.backends - before.backends) : null,
    dbBackgroundMs: withDatabase ? round(after.background - before.background) : null,
  };
}

/** Waits for requests left in flight by a warm-up run (up to its slowest response, 0.3–5 s). */
const settle = (maxLatencyMs: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(5_000, Math.max(300, maxLatencyMs))));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Server {
  started: Started;
  rss: RssSampler;
  origin: string;
}

function serverEnv(
  port: number,
  dataDir: string,
  baseUrl: string,
  databaseUrl: string | undefined,
): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000000',
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    ...runtimeEnv(),
  };
}

/**
 * Runtime settings under test, for the server and the baselines alike (the benchmark's own
 * environment is left alone): BENCH_SERVER_NODE_OPTIONS, BENCH_SERVER_UV_THREADPOOL_SIZE and
 * BENCH_SERVER_MALLOC_ARENA_MAX become NODE_OPTIONS, UV_THREADPOOL_SIZE and MALLOC_ARENA_MAX.
 */
function runtimeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.env.BENCH_SERVER_NODE_OPTIONS !== undefined)
    env.NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
  for (const name of ['UV_THREADPOOL_SIZE', 'MALLOC_ARENA_MAX']) {
    const value = process.env[`BENCH_SERVER_${name}`];
    if (value) env[name] = value;
  }
  return env;
}

async function startServer(
  node: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  profileDir?: string,
): Promise<Server & { readyMs: number }> {
  const origin = `http://127.0.0.1:${env.PORT}`;
  // BENCH_SERVER_ENTRY benchmarks another build (e.g. a patched copy of dist/ for an experiment).
  const entry = process.env.BENCH_SERVER_ENTRY ?? 'dist/src/server.js';
  const args = [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), entry];
  const t0 = performance.now();
  const started = startProcess(node, args, env, logFile);
  const rss = new RssSampler(started.pid).start();
  const readyMs = await waitFor200(`${origin}/readyz`, started, t0);
  return { started, rss, origin, readyMs };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const node = process.env.BENCH_NODE || process.execPath;
  const version = nodeVersion(node);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const workDir = path.join(projectRoot, 'bench', '.data');
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? path.join(workDir, 'db'));
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
  const baseUrl = process.env.BENCH_BASE_URL ?? 'http://localhost:3000';
  const port = Number(process.env.BENCH_PORT ?? 4300);
  const manifestFile = path.join(dataDir, 'bench-manifest.json');
  const loadBefore = os.loadavg();
  log(
    `Node ${version} (${node}); ${options.connections} connections, ${options.duration} s per case, ${options.warmup} s warm-up`,
  );

  if (options.build) {
    log('building (tsc -p tsconfig.build.json)…');
    if (run('npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
      if (!fs.existsSync(path.join(projectRoot, 'dist/src/server.js'))) throw new Error('the build failed');
      log('warning: tsc reported errors (see above); benchmarking the JavaScript it emitted anyway');
    }
  }

  const adminGroup = async () => {
    if (!options.adminScales.length || databaseUrl) return;
    const results = await runAdminGroup({
      node,
      scales: options.adminScales,
      port: port + 100,
      workDir,
      dataDir,
      baseUrl,
      requests: Number(process.env.BENCH_ADMIN_REQUESTS ?? 15),
      log,
    });
    const outFile = path.join(projectRoot, 'bench', 'results', `admin-${stamp}.json`);
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n## Admin pages by data size\n\n${adminMarkdown(results)}\n`);
    log(`admin results: ${path.relative(projectRoot, outFile)}`);
  };
  if (options.adminOnly) return adminGroup();

  log(`bench database: ${databaseUrl ? 'BENCH_DATABASE_URL' : dataDir} (seeding when empty)…`);
  const seedEnv = {
    DATA_DIR: dataDir,
    BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl ?? '',
    LOG_LEVEL: 'warn',
  };
  if (run('npx', ['tsx', 'scripts/seed-bench.ts', '--manifest', manifestFile], seedEnv) !== 0)
    throw new Error('seeding the bench database failed');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BenchManifest;

  // ---- the app
  const logFile = path.join(workDir, 'logs', `server-${stamp}.log`);
  const profileDir = options.profile ? path.join(workDir, 'profiles') : undefined;
  const server = await startServer(
    node,
    serverEnv(port, dataDir, manifest.baseUrl, databaseUrl),
    logFile,
    profileDir,
  );
  const { origin, rss } = server;
  log(
    `server ready in ${Math.round(server.readyMs)} ms (pid ${server.started.pid}, log ${path.relative(projectRoot, logFile)})`,
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleAfterStartMb = rss.peakMb('startup');

  const modulePath =
    manifest.modulePaths.find((p) => p.endsWith(`/${process.env.BENCH_MODULE ?? 'facilitation'}`)) ??
    manifest.modulePaths[0];
  const page = await get(`${origin}${modulePath}`);
  if (page.status !== 200 || !page.body.includes('<article class="prose">'))
    throw new Error(`GET ${modulePath} gave ${page.status} without the module text`);
  const pageBytes = Buffer.byteLength(page.body);
  const pageFile = path.join(workDir, `page-${stamp}.html`);
  fs.writeFileSync(pageFile, page.body);

  const wanted = new Set(options.cases);
  const results: CaseResult[] = [];
  const common = { connections: options.connections, duration: options.duration };

  const baselineFiles = {
    'baseline-http': 'bench/baselines/http-server.ts',
    'baseline-express-ejs': 'bench/baselines/express-ejs-server.ts',
  } as const;
  let nextBasePort = port + 3;
  const startBaseline = async (name: keyof typeof baselineFiles) => {
    const basePort = nextBasePort++;
    const env = { NODE_ENV: 'production', PORT: String(basePort), PAGE_FILE: pageFile, ...runtimeEnv() };
    const t0 = performance.now();
    const started = startProcess(
      node,
      ['--import', 'tsx', baselineFiles[name]],
      env,
      path.join(workDir, 'logs', `${name}-${stamp}.log`),
    );
    const url = `http://127.0.0.1:${basePort}/`;
    await waitFor200(url, started, t0, 30_000);
    const bytes = Buffer.byteLength((await get(url)).body);
    if (Math.abs(bytes - pageBytes) > pageBytes * 0.01)
      log(`warning: ${name} serves ${bytes} bytes, the module page ${pageBytes}`);
    return { name, started, url };
  };
  const measureBaseline = async (baseline: Awaited<ReturnType<typeof startBaseline>>) => {
    if (options.warmup > 0) {
      const warm = await load({ ...common, url: baseline.url, duration: options.warmup });
      await settle(warm.latencyMs.max);
    }
    log(`measuring ${baseline.name}…`);
    const cpuBefore = cpuMs(baseline.started.pid);
    const result = await load({ ...common, url: baseline.url });
    return { result, cpu: perRequest(cpuBefore, cpuMs(baseline.started.pid), result.total, false) };
  };
  // The machine's speed drifts over a run (on a shared VM by ±30 % within minutes), so each case with
  // a ratio target is compared with the Express + EJS baseline measured right after it, by a copy of
  // that baseline kept running (idle) alongside the app for the whole run.
  const alongside = options.baselines ? await startBaseline('baseline-express-ejs') : undefined;

  const measureOnce = async (
    name: CaseName,
    loadOptions: Omit<LoadOptions, 'duration' | 'connections'>,
    connections: number,
  ): Promise<CaseResult> => {
    rss.setPhase(`warmup:${name}`);
    if (options.warmup > 0) {
      const warm = await load({ ...common, ...loadOptions, connections, duration: options.warmup });
      // Requests still in flight when the warm-up stops (sign-ins queue for argon2) finish first.
      await settle(warm.latencyMs.max);
    }
    rss.setPhase(name);
    log(`measuring ${name}…`);
    const cpuBefore = cpuMs(server.started.pid);
    const result = await load({ ...common, ...loadOptions, connections });
    const cpu = perRequest(cpuBefore, cpuMs(server.started.pid), result.total, !databaseUrl);
    rss.setPhase('between');
    log(
      `  ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, errors ${result.errors}, unexpected ${result.unexpectedStatus} ${JSON.stringify(result.statusCodes)}`,
    );
    let expressAlongside: CaseResult['expressAlongside'];
    if (alongside && RATIO_CASES.has(name)) {
      const base = await measureBaseline(alongside);
      if (base.cpu)
        expressAlongside = { requestsPerSecond: base.result.requestsPerSecond, appMs: base.cpu.appMs };
      log(`  Express + EJS baseline right after: ${base.result.requestsPerSecond} req/s`);
    }
    return {
      name,
      label: LABELS[name],
      connections,
      peakRssMb: rss.peakMb(name),
      cpu,
      ...result,
      ...(expressAlongside && { expressAlongside }),
    };
  };
  // On a shared VM one 10 s measurement can land in a slow or a fast moment (±30 %), so a case with a
  // ratio target is measured in several pairs, each with its baseline right after, and the pair
  // with the median ratio is reported (the lower of the middle two for an even count), with every
  // pair's ratio alongside. Errors and the peak memory count over all pairs.
  const measure = async (
    name: CaseName,
    loadOptions: Omit<LoadOptions, 'duration' | 'connections'>,
    connections = options.connections,
  ) => {
    const pairs = alongside && RATIO_CASES.has(name) ? options.pairs : 1;
    const runs: CaseResult[] = [];
    for (let i = 1; i <= pairs; i++) {
      if (pairs > 1) log(`${name}: pair ${i} of ${pairs}`);
      runs.push(await measureOnce(name, loadOptions, connections));
    }
    const pairRatio = (r: CaseResult) =>
      r.expressAlongside ? r.requestsPerSecond / r.expressAlongside.requestsPerSecond : 0;
    const reported = [...runs].sort((a, b) => pairRatio(a) - pairRatio(b))[Math.floor((runs.length - 1) / 2)];
    results.push({
      ...reported,
      errors: runs.reduce((n, r) => n + r.errors, 0),
      unexpectedStatus: runs.reduce((n, r) => n + r.unexpectedStatus, 0),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)),
      ...(runs.length > 1 && { pairRatios: runs.map((r) => Math.round(pairRatio(r) * 100) / 100) }),
    });
  };

  if (wanted.has('module-anonymous')) await measure('module-anonymous', { url: `${origin}${modulePath}` });

  // The public chapter directory and one chapter's page (with its stories), as a stranger sees them.
  const chapterPath = manifest.chapterPaths?.[0];
  if ((wanted.has('directory-anonymous') || wanted.has('chapter-page-anonymous')) && !chapterPath)
    throw new Error('the bench manifest names no chapter page: run the seed again');
  for (const [name, url] of [
    ['directory-anonymous', '/chapters'],
    ['chapter-page-anonymous', chapterPath],
  ] as const) {
    if (!wanted.has(name)) continue;
    const check = await get(`${origin}${url}`);
    if (check.status !== 200 || !check.body.includes('chapter'))
      throw new Error(`GET ${url} gave ${check.status}`);
    await measure(name, { url: `${origin}${url}` });
  }

  if (wanted.has('module-signed-in')) {
    const people = manifest.organizers.slice(0, Math.max(1, Math.min(options.connections, 50)));
    const cookies = await mapLimit(people, 4, (email) => signIn(origin, email, manifest.password));
    const check = await get(`${origin}${modulePath}`, { cookie: cookies[0] });
    if (check.status !== 200 || !check.body.includes('Sign out'))
      throw new Error('the signed-in module page did not show a signed-in person');
    await measure('module-signed-in', {
      url: `${origin}${modulePath}`,
      perConnectionHeaders: (i) => ({ cookie: cookies[i % cookies.length] }),
    });
  }

  if (wanted.has('circle-page')) {
    const circle = manifest.circle;
    if (!circle) throw new Error('the bench manifest has no circle (re-run scripts/seed-bench.ts)');
    const members = circle.members.slice(0, Math.max(1, Math.min(options.connections, 50)));
    const cookies = await mapLimit(members, 4, (email) => signIn(origin, email, manifest.password));
    const check = await get(`${origin}${circle.path}`, { cookie: cookies[0] });
    if (check.status !== 200 || !check.body.includes('Bench post'))
      throw new Error(`GET ${circle.path} gave ${check.status} without the circle's posts`);
    await measure('circle-page', {
      url: `${origin}${circle.path}`,
      perConnectionHeaders: (i) => ({ cookie: cookies[i % cookies.length] }),
    });
  }

  if (wanted.has('coach-dashboard') || wanted.has('coach-dashboard-1')) {
    if (manifest.coach.organizers !== 50)
      log(`warning: the dashboard coach has ${manifest.coach.organizers} organizers, not 50`);
    const cookie = await signIn(origin, manifest.coach.email, manifest.password);
    const check = await get(`${origin}/coach`, { cookie });
    if (check.status !== 200 || !check.body.includes('Your organizers'))
      throw new Error(`GET /coach gave ${check.status}`);
    if (wanted.has('coach-dashboard'))
      await measure('coach-dashboard', { url: `${origin}/coach`, headers: { cookie } });
    // With N closed-loop connections latency is mostly queueing (≈ N / throughput); one connection shows the service time.
    if (wanted.has('coach-dashboard-1'))
      await measure('coach-dashboard-1', { url: `${origin}/coach`, headers: { cookie } }, 1);
  }

  const codes = manifest.certificates.slice(0, Number(process.env.BENCH_CERT_CODES ?? 100));
  let coldCertificatePageMs: BenchResults['coldCertificatePageMs'] = null;
  const certificateCases = ['certificate-page', 'certificate-json', 'verify-paste'] as const;
  if (certificateCases.some((c) => wanted.has(c))) {
    if (!codes.length)
      throw new Error(`no signed certificate for BASE_URL ${manifest.baseUrl} in the bench data`);
    // The first look at each certificate checks its signature for real; later ones hit the cache.
    const cold: number[] = [];
    for (const code of codes.slice(0, 20)) {
      const response = await get(`${origin}/c/${code}`);
      if (response.status !== 200 || !response.body.includes('genuine and in force'))
        throw new Error(`certificate ${code} did not verify on its page (status ${response.status})`);
      cold.push(response.ms);
    }
    coldCertificatePageMs = {
      median: Math.round(median(cold)),
      max: Math.round(Math.max(...cold)),
      samples: cold.length,
    };
    await mapLimit(codes, 4, (code) => get(`${origin}/c/${code}`));
  }
  let next = 0;
  const rotate = <T>(items: T[]) => items[next++ % items.length];

  if (wanted.has('certificate-page'))
    await measure('certificate-page', {
      url: origin,
      setupRequest: (req) => ({ ...req, method: 'GET', path: `/c/${rotate(codes)}` }),
    });

  if (wanted.has('certificate-json'))
    await measure('certificate-json', {
      url: origin,
      headers: { accept: 'application/json' },
      setupRequest: (req) => ({ ...req, method: 'GET', path: `/c/${rotate(codes)}` }),
    });

  if (wanted.has('verify-paste')) {
    const credentials = await mapLimit(codes.slice(0, 20), 4, async (code) => {
      const response = await get(`${origin}/c/${code}`, { accept: 'application/json' });
      return `credential=${encodeURIComponent(response.body)}`;
    });
    for (const body of credentials) {
      const response = await fetch(`${origin}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const html = await response.text();
      if (response.status !== 200 || !html.includes('Credential verified'))
        throw new Error('a pasted credential did not verify');
    }
    await measure('verify-paste', {
      url: origin,
      setupRequest: (req) => ({
        ...req,
        method: 'POST',
        path: '/verify',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: rotate(credentials),
      }),
    });
  }

  if (wanted.has('login')) {
    // Each sign-in needs its own pre-sign-in session and CSRF token (sign-in regenerates the session).
    const perSecond = Number(process.env.BENCH_LOGIN_POOL_RATE ?? 150);
    const size = Math.ceil((options.warmup + options.duration) * perSecond);
    log(`preparing ${size} sign-in forms (GET /login)…`);
    const forms = await mapLimit(
      Array.from({ length: size }, (_, i) => i),
      8,
      () => loginForm(origin),
    );
    let used = 0;
    const people = manifest.organizers;
    await measure('login', {
      url: origin,
      expectStatus: 303,
      setupRequest: (req) => {
        const form: LoginForm = forms[used % forms.length];
        const email = people[used % people.length];
        used += 1;
        return {
          ...req,
          method: 'POST',
          path: '/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
          body: loginBody(email, manifest.password, form.csrf),
        };
      },
    });
    if (used > forms.length) {
      const last = results[results.length - 1];
      last.note = `ran out of prepared forms (${used} sign-ins for ${forms.length} forms); raise BENCH_LOGIN_POOL_RATE`;
      log(`warning: ${last.note}`);
    }
  }

  await stopProcess(server.started);
  if (alongside) await stopProcess(alongside.started);
  rss.stop();
  if (profileDir) log(`CPU profile written to ${path.relative(projectRoot, profileDir)}`);

  // ---- baselines, on the same Node binary
  const baselines: CaseResult[] = [];
  if (options.baselines) {
    for (const name of ['baseline-http', 'baseline-express-ejs'] as const) {
      const baseline = await startBaseline(name);
      const { result, cpu } = await measureBaseline(baseline);
      await stopProcess(baseline.started);
      baselines.push({
        name,
        label: LABELS[name],
        connections: options.connections,
        peakRssMb: null,
        cpu,
        ...result,
      });
      log(
        `  ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
      );
    }
  }

  // ---- start-up: a fresh DATA_DIR (embedded PostgreSQL initdb + migrations), then the same again
  const startup: BenchResults['startup'] = { coldMs: null, warmMs: null, coldRssMb: null };
  if (options.startup) {
    const startupDir = path.join(workDir, `startup-${stamp}`);
    const env = serverEnv(port + 2, startupDir, manifest.baseUrl, undefined);
    try {
      log('cold start (fresh DATA_DIR)…');
      const cold = await startServer(node, env, path.join(workDir, 'logs', `startup-cold-${stamp}.log`));
      startup.coldMs = Math.round(cold.readyMs);
      cold.rss.stop();
      startup.coldRssMb = cold.rss.maxMb;
      await stopProcess(cold.started);
      // Warm starts vary more (PostgreSQL start-up, page cache): take the median of a few.
      const warmRuns: number[] = [];
      for (let i = 0; i < Number(process.env.BENCH_WARM_RUNS ?? 3); i++) {
        log(`warm start ${i + 1} (same DATA_DIR)…`);
        const warm = await startServer(
          node,
          env,
          path.join(workDir, 'logs', `startup-warm-${i + 1}-${stamp}.log`),
        );
        warmRuns.push(Math.round(warm.readyMs));
        warm.rss.stop();
        await stopProcess(warm.started);
      }
      startup.warmMs = warmRuns.length ? median(warmRuns) : null;
      startup.warmSamplesMs = warmRuns;
      log(`  cold ${startup.coldMs} ms, warm ${warmRuns.join(', ')} ms`);
    } finally {
      fs.rmSync(startupDir, { recursive: true, force: true });
    }
  }

  const cases = withRatios(results, baselines);
  const rssSummary = { maxMb: rss.maxMb, idleAfterStartMb };
  const report: BenchResults = {
    node: version,
    nodeBinary: node,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    settings: {
      duration: options.duration,
      warmup: options.warmup,
      pairs: options.pairs,
      connections: options.connections,
      cases: options.cases,
      runtime: runtimeEnv(),
    },
    database: databaseUrl ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL',
    pageBytes,
    cases,
    baselines: withRatios(baselines, baselines),
    startup,
    coldCertificatePageMs,
    rss: rssSummary,
    targets: evaluateTargets({ cases, baselines, rss: rssSummary }),
    seedCounts: manifest.counts,
  };
  const outDir = path.join(projectRoot, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `${version}-${stamp}.json`);
  fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  fs.rmSync(pageFile, { force: true });
  console.log(`\n${markdownReport(report)}\n`);
  log(`results: ${path.relative(projectRoot, outFile)}`);
  if (options.summaryFile) fs.writeFileSync(options.summaryFile, outFile);
  await adminGroup();
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
