import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request (rotating paths, bodies, cookies). */
  setupRequest?: autocannon.Request['setupRequest'];
  /** Headers for each connection (e.g. one session cookie per connection). */
  perConnectionHeaders?: (index: number) => Record<string, string>;
  /** The status every response must have (default 200). */
  expectStatus?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; average: number; max: number };
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses with another status than expected (non-2xx for most cases). */
  unexpectedStatus: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

/** One autocannon run (in this process); counts every response whose status is not the expected one. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const expected = options.expectStatus ?? 200;
  let connection = 0;
  const perConnection = options.perConnectionHeaders;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    timeout: 30,
    method: options.method ?? 'GET',
    ...(options.headers && { headers: options.headers }),
    ...(options.body !== undefined && { body: options.body }),
    ...(options.setupRequest && { requests: [{ setupRequest: options.setupRequest }] }),
    ...(perConnection && {
      setupClient: (client: autocannon.Client) =>
        client.setHeaders({ ...options.headers, ...perConnection(connection++) }),
    }),
  });
  let unexpected = 0;
  let responses = 0;
  instance.on('response', (_client: unknown, statusCode: number) => {
    responses += 1;
    if (statusCode !== expected) unexpected += 1;
  });
  const result = await instance;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  );
  return {
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    total: responses,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      average: Math.round(result.latency.average * 100) / 100,
      max: result.latency.max,
    },
    errors: result.errors + result.timeouts,
    unexpectedStatus: unexpected,
    statusCodes,
    durationSeconds: result.duration,
  };
}
