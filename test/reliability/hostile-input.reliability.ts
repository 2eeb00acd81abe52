import fc from 'fast-check';
import { pathFor, ROLES, startWorld, type Session, type Who, type World } from './support/app-world';
import { encode, formBody, multipartBody } from './support/encoding';
import { HOSTILE_KEYS, isTextual, leaksIn, NASTY_VALUES } from './support/hostile';
import type { WebResponse } from './support/web-client';

/** Fixed: the same requests every run (change it to explore, then pin what it finds in a test). */
const SEED = 20_261_128;
/** Random requests per route (each route gets its own seed derived from SEED). */
const RUNS_PER_ROUTE = 14;
/** Bigger than the 100 kB body limit, and just above common field limits. */
const HUGE_LENGTHS = [1_001, 10_001, 120_000];
const MAX_FIELDS = 8;
/** Node's default --max-http-header-size (request line and headers together). */
const NODE_HEADER_LIMIT = 16 * 1024;
/** Field names the fuzzer always knows, besides those read from every form the app renders. */
const BASE_FIELD_NAMES = ['email', 'password', 'next', 'q', 'page', 'credential', 'file', 'status', 'role'];

type Encoding = 'form' | 'json' | 'multipart' | 'truncated-multipart' | 'text' | 'none';
type Csrf = 'valid' | 'missing' | 'garbage';

interface FuzzRequest {
  who: Who;
  encoding: Encoding;
  csrf: Csrf;
  fields: [string, string][];
  json: unknown;
  rawTail: string;
  accept: string;
  /** Replaces the route's first parameter with arbitrary text. */
  pathParam: string | null;
  /** A file part in multipart bodies: its field name and content. */
  file: { field: string; content: string } | null;
}

/** `{"a":{"a":...}}` `depth` levels deep. */
function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('hostile input on every route (property-based, fast-check)', () => {
  let world: World;
  let fieldNames: string[];

  beforeAll(async () => {
    world = await startWorld();
    // Every field name any page offers to any role, so the fuzzer fills real forms.
    const names = new Set(BASE_FIELD_NAMES);
    for (const route of world.routes.filter((r) => r.startsWith('GET '))) {
      for (const who of ROLES) {
        const page = await world.sessions[who].client.get(pathFor(route.slice(4), world.ids));
        for (const [, name] of page.text.matchAll(/\bname="([^"]+)"/g)) names.add(name);
      }
    }
    names.delete('_csrf');
    fieldNames = [...names].sort();
  });
  afterAll(() => world?.close());

  const value = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE_LENGTHS).map((n) => 'A'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.uuid().map(String) },
  );

  const request = (): fc.Arbitrary<FuzzRequest> =>
    fc.record({
      who: fc.constantFrom(...ROLES),
      encoding: fc.constantFrom<Encoding>(
        'form',
        'form',
        'form',
        'json',
        'multipart',
        'truncated-multipart',
        'text',
        'none',
      ),
      csrf: fc.constantFrom<Csrf>('valid', 'valid', 'valid', 'missing', 'garbage'),
      fields: fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 5, arbitrary: fc.constantFrom(...fieldNames) },
            { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
            { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
          ),
          value,
        ),
        { maxLength: MAX_FIELDS },
      ),
      json: fc.oneof(
        { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        // Deep nesting and wrong types: arrays and numbers where forms expect strings.
        {
          weight: 1,
          arbitrary: fc.constantFrom(deeplyNested(500), [1, 2, 3], 42, { email: ['a'], q: { $ne: 1 } }),
        },
      ),
      rawTail: fc.constantFrom(
        '',
        '',
        '&',
        '&%',
        '&a=%E0%A4%A',
        '&&=&',
        '&a[=1',
        '&%zz=%zz',
        '&a=1;b=2',
        '&bad=%ED%A0%80%FF%FE',
      ),
      accept: fc.constantFrom(
        'text/html',
        'application/json',
        '*/*',
        'application/ld+json',
        'image/png',
        'x/y;q=bad',
      ),
      pathParam: fc.option(fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...NASTY_VALUES)), {
        freq: 5,
      }),
      file: fc.option(
        fc.record({
          field: fc.constantFrom('file', 'credential', 'upload', 'file[]'),
          content: fc.oneof(
            fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
            fc.string(),
          ),
        }),
        { freq: 2 },
      ),
    });

  async function send(route: string, input: FuzzRequest): Promise<WebResponse> {
    const [method, pattern] = route.split(' ');
    let path = pathFor(pattern, world.ids);
    if (input.pathParam !== null && pattern.includes(':')) {
      const first = pattern.indexOf(':');
      const end = pattern.indexOf('/', first);
      path =
        pathFor(pattern.slice(0, first), world.ids) +
        encode(input.pathParam) +
        (end === -1 ? '' : pathFor(pattern.slice(end), world.ids));
    }
    // Signing out would end a role's session for the rest of the run: use a throwaway one.
    const session: Session =
      route === 'POST /logout' ? await world.freshSession() : world.sessions[input.who];
    const token =
      input.csrf === 'valid' ? session.token : input.csrf === 'garbage' ? 'x'.repeat(64) : undefined;
    const headers: Record<string, string> = { accept: input.accept };
    if (method === 'GET') {
      const query = formBody(input.fields, input.rawTail);
      const url = query ? `${path}?${query}` : path;
      const sent = session.client.request('GET', url, { headers });
      // Node refuses a request line over its 16 KiB header limit (431) and may close the socket while
      // the client still writes, which fetch reports as a network error: Node's refusal, not the app's.
      return url.length > NODE_HEADER_LIMIT
        ? sent.catch(() => ({ status: 431, headers: new Headers(), text: '', ms: 0 }))
        : sent;
    }
    if (token && input.encoding !== 'form') headers['x-csrf-token'] = token;
    const fields: [string, string][] =
      token && input.encoding === 'form' ? [...input.fields, ['_csrf', token]] : input.fields;
    switch (input.encoding) {
      case 'form':
        headers['content-type'] = 'application/x-www-form-urlencoded';
        return session.client.request('POST', path, { headers, body: formBody(fields, input.rawTail) });
      case 'json':
        headers['content-type'] = 'application/json';
        return session.client.request('POST', path, { headers, body: JSON.stringify(input.json) });
      case 'multipart': {
        const { body, type } = multipartBody(fields, input.file);
        headers['content-type'] = type;
        return session.client.request('POST', path, { headers, body });
      }
      case 'truncated-multipart': {
        // Cut off mid-part: busboy reports "Unexpected end of form".
        const { body, type } = multipartBody(fields, input.file);
        headers['content-type'] = type;
        return session.client.request('POST', path, {
          headers,
          body: body.subarray(0, Math.max(1, body.length - 9)),
        });
      }
      case 'text':
        headers['content-type'] = 'text/plain';
        return session.client.request('POST', path, { headers, body: formBody(fields, input.rawTail) });
      case 'none':
        return session.client.request('POST', path, { headers });
    }
  }

  it('reads the form field names of every page', () => {
    expect(fieldNames.length).toBeGreaterThan(20);
  });

  it('never answers a 5xx, shows internals or logs an error, whatever is sent to any route as anyone', async () => {
    const failures: string[] = [];
    // One property per route, each with its own seed, so a failure names its route.
    for (const [index, route] of world.routes.entries()) {
      const outcome = await fc.check(
        fc.asyncProperty(request(), async (input) => {
          const errorsBefore = world.errorLogs().length;
          const response = await send(route, input);
          const leaks = isTextual(response.headers.get('content-type')) ? leaksIn(response.text) : [];
          const errorLogs = world.errorLogs().slice(errorsBefore);
          const problems = [
            ...(response.status >= 500 ? [`status ${response.status}`] : []),
            ...errorLogs.map((line) => `an error-level log line: ${line}`),
            ...leaks,
            ...(response.headers.has('x-powered-by') ? ['an X-Powered-By header'] : []),
          ];
          if (problems.length)
            throw new Error(`${problems.join(', ')} as ${input.who}\n${response.text.slice(0, 400)}`);
        }),
        { seed: SEED + index, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
      if (outcome.failed) {
        const error =
          outcome.errorInstance instanceof Error
            ? outcome.errorInstance.message
            : String(outcome.errorInstance);
        failures.push(`${route}: ${error}\n  counterexample: ${fc.stringify(outcome.counterexample)}`);
      }
    }
    expect(failures).toEqual([]);
    // Every route × RUNS_PER_ROUTE requests: minutes on a busy two-core machine.
  }, 300_000);
});
