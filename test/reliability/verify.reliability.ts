import fc from 'fast-check';
import { loadConfig } from '../../src/config';
import type { TestApp } from '../helpers/app';
import { TEST_ENV } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { certificateKit } from '../certificates/kit';
import { encode } from './support/encoding';
import { leaksIn } from './support/hostile';
import { freshDatabase, type TestDatabase } from './support/scenario';
import { SHARED_BASE_URL, ServerProcess } from './support/server-process';

type Json = Record<string, unknown>;
const SEED = 20_261_205;
const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
const IRI_KEYS = [
  'https://www.w3.org/2018/credentials#credentialStatus',
  'https://www.w3.org/2018/credentials#validUntil',
  '@id',
  '@type',
  'x:y',
];

/** Every path to a value in `value`, as keys and indexes. */
function pathsIn(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsIn(child, [...prefix, key]))];
}

type Change =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'rename'; to: string }
  | { kind: 'wrap' }
  | { kind: 'nest'; depth: number };

/** A copy of `credential` with one change at `path`. */
function mutated(credential: Json, path: (string | number)[], change: Change): unknown {
  const copy = structuredClone(credential) as unknown;
  if (path.length === 0) return change.kind === 'replace' ? change.value : copy;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const old = parent[last];
  if (change.kind === 'replace') parent[last] = change.value;
  if (change.kind === 'delete') delete parent[last];
  if (change.kind === 'wrap') parent[last] = [old, old];
  if (change.kind === 'nest') {
    let deep: unknown = old;
    for (let i = 0; i < change.depth; i++) deep = { a: deep };
    parent[last] = deep;
  }
  if (change.kind === 'rename' && !Array.isArray(parent)) {
    delete parent[last];
    parent[change.to] = old;
  }
  return copy;
}

describe('/verify under hostile input (a real server process from dist/)', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let genuine: Json;
  let base: string;

  const verify = (body: string, type: string, accept = 'text/html') =>
    fetch(`${base}/verify`, { method: 'POST', headers: { 'content-type': type, accept }, body });
  const paste = (text: string) => verify(`credential=${encode(text)}`, 'application/x-www-form-urlencoded');
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };

  beforeAll(async () => {
    db = await freshDatabase();
    const config = loadConfig({ ...TEST_ENV, BASE_URL: SHARED_BASE_URL });
    const kit = certificateKit({ config, dataSource: db.dataSource } as unknown as TestApp);
    genuine = (await kit.certify((await createUser(db.dataSource.manager)).id)).credential;
    server = await ServerProcess.start({
      databaseUrl: db.url,
      env: { VERIFY_TIME_BUDGET_MS: '3000', PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    base = `http://127.0.0.1:${server.port}`;
    // Checked in the worker pool of the built app: the worker runs from dist/ too.
    const first = await paste(JSON.stringify(genuine));
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Verified: this credential is genuine and in force');
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  /** Sends `hostile` and, while it is being checked, a health check and a genuine credential. */
  async function alongside(hostile: () => Promise<Response>) {
    const slow = timed(async () => {
      const response = await hostile();
      return { status: response.status, text: await response.text() };
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const health = await timed(() => fetch(`${base}/healthz`));
    const other = await timed(async () => (await paste(JSON.stringify(genuine))).status);
    return { slow: await slow, health, other };
  }

  it('answers a genuine credential with its VC context repeated thousands of times (~130 KB) in under 5 s, others in under 1 s', async () => {
    const contexts = Array.from({ length: 3_000 }, () => VC_CONTEXT);
    const hostile = JSON.stringify({
      ...genuine,
      '@context': [...contexts, ...(genuine['@context'] as string[])],
    });
    expect(hostile.length).toBeGreaterThan(120_000);
    const { slow, health, other } = await alongside(() => paste(hostile));
    expect(slow.result.status).toBe(400);
    expect(slow.result.text).toContain('JSON-LD contexts');
    expect(slow.ms).toBeLessThan(5_000);
    expect(health.result.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);
    expect(other.result).toBe(200);
    expect(other.ms).toBeLessThan(1_000);
  });

  it('answers a costly credential within the bounds (thousands of evidence entries) within its time budget, others in under 1 s', async () => {
    const evidence = Array.from({ length: 1_800 }, (_, i) => ({
      id: `${SHARED_BASE_URL}/e/${i}`,
      type: ['Evidence'],
      name: `Entry ${i}`,
      narrative: 'n'.repeat(30),
    }));
    const hostile = JSON.stringify({ ...genuine, evidence });
    expect(hostile.length).toBeLessThan(256 * 1024);
    const { slow, health, other } = await alongside(() => paste(hostile));
    // Either it was checked in time (not genuine: the evidence changed) or the budget ran out.
    expect([422, 200, 503]).toContain(slow.result.status);
    expect(slow.result.text).not.toContain('genuine and in force');
    expect(slow.ms).toBeLessThan(5_000);
    expect(health.ms).toBeLessThan(1_000);
    expect(other.result).toBe(200);
    expect(other.ms).toBeLessThan(1_000);
  });

  it('never answers a 5xx (other than "could not check in time") nor leaks internals, for mutated credentials sent any way', async () => {
    const paths = pathsIn(genuine);
    const change: fc.Arbitrary<Change> = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('rename' as const), to: fc.constantFrom(...IRI_KEYS) }),
      fc.record({ kind: fc.constant('wrap' as const) }),
      fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 60 }) }),
    );
    const sendAs = fc.constantFrom('form', 'json', 'multipart-field', 'multipart-file');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), change, sendAs, async (path, how, encoding) => {
        const text = JSON.stringify(mutated(genuine, path, how)) ?? '';
        let response: Response;
        if (encoding === 'form') response = await paste(text);
        else if (encoding === 'json') response = await verify(text, 'application/json', 'application/json');
        else {
          const form = new FormData();
          if (encoding === 'multipart-field') form.set('credential', text);
          else form.set('file', new Blob([text]), 'credential.json');
          response = await fetch(`${base}/verify`, { method: 'POST', body: form });
        }
        const body = await response.text();
        expect([200, 400, 413, 422, 503]).toContain(response.status);
        if (response.status === 503) expect(body).toContain('could not check this credential in time');
        expect(leaksIn(body)).toEqual([]);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
