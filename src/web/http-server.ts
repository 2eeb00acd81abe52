import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** The server's own time limits (config: HTTP_*_TIMEOUT_MS). */
export interface HttpTimeouts {
  /** A client must send a request's headers within this long. */
  headersTimeoutMs: number;
  /** A client must send a whole request (headers and body) within this long. */
  requestTimeoutMs: number;
  /** A connection with no request in flight is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A connection where nothing moves either way (a client that stopped reading) is closed after this long. */
  idleTimeoutMs: number;
}

interface SocketState {
  /** Requests received on this connection so far. */
  requests: number;
  /** Requests on it not yet answered in full. */
  active: number;
  openedAt: number;
  /** socket.bytesRead when its last response ended: more since means a request is arriving. */
  bytesReadWhenIdle: number;
}

/** While draining, a connection that has sent nothing for this long is closed (a browser's preconnect). */
const SILENT_CONNECTION_GRACE_MS = 1000;

/**
 * Knows, for every connection, whether a request is in flight on it: draining must close only
 * connections that sit idle between requests. (Node's closeIdleConnections also closes connections
 * accepted a moment ago whose first request has not been read yet, which resets requests clients
 * already sent.)
 */
export class ConnectionTracker {
  private readonly sockets = new Map<Socket, SocketState>();
  private readonly inFlight = new Set<http.IncomingMessage>();
  private draining = false;

  constructor(server: http.Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { requests: 0, active: 0, openedAt: Date.now(), bytesReadWhenIdle: 0 });
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      const state = this.sockets.get(socket) ?? {
        requests: 0,
        active: 0,
        openedAt: Date.now(),
        bytesReadWhenIdle: 0,
      };
      this.sockets.set(socket, state);
      state.requests += 1;
      state.active += 1;
      this.inFlight.add(req);
      // While draining, every answer ends its connection, so clients open new ones elsewhere.
      if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
      res.once('close', () => {
        state.active -= 1;
        state.bytesReadWhenIdle = socket.bytesRead;
        this.inFlight.delete(req);
        if (this.draining && state.active === 0) socket.end();
      });
    });
  }

  /** From now on every response closes its connection. */
  startDraining(): void {
    this.draining = true;
  }

  /**
   * Closes connections that answered at least one request and have none in flight, and those that
   * have sent nothing at all for a while. A connection whose request is still arriving is left alone.
   */
  closeIdleBetweenRequests(): void {
    const now = Date.now();
    for (const [socket, state] of this.sockets) {
      if (state.active > 0) continue;
      const silent = socket.bytesRead === 0 && now - state.openedAt >= SILENT_CONNECTION_GRACE_MS;
      const idle = state.requests > 0 && socket.bytesRead === state.bytesReadWhenIdle;
      if (idle || silent) socket.end();
    }
  }

  /** The requests still being answered (method and path), for the log. */
  unfinished(): string[] {
    return [...this.inFlight].map((req) => `${req.method ?? '?'} ${(req.url ?? '').split('?')[0]}`);
  }
}

const trackers = new WeakMap<http.Server, ConnectionTracker>();

/** The tracker of `server`, installed on first use (createHttpServer installs it at once). */
export function connectionsOf(server: http.Server): ConnectionTracker {
  let tracker = trackers.get(server);
  if (!tracker) {
    tracker = new ConnectionTracker(server);
    trackers.set(server, tracker);
  }
  return tracker;
}

/** What a person reads when Node's HTTP parser refuses a request before the app sees it. */
const PARSER_REFUSALS: Record<string, [status: string, text: string]> = {
  HPE_HEADER_OVERFLOW: [
    '431 Request Header Fields Too Large',
    "The address or the headers of this request are too long (over 16 KB). Go back and follow a link on the page instead of a changed address; if it happens again, clear this site's cookies.",
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    '413 Payload Too Large',
    'What you sent is too large. Shorten it and try again.',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: ['408 Request Timeout', 'The request took too long to arrive. Please try again.'],
};
const MALFORMED: [string, string] = [
  '400 Bad Request',
  'The request could not be understood. Please try again.',
];

/**
 * Node's own answer to a request its parser refuses (an address over 16 KB, a malformed request, a
 * request too slow to arrive), with a line of text instead of an empty body. As Node does: nothing
 * is written once a response on the connection has begun, and the connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, text] = PARSER_REFUSALS[error.code ?? ''] ?? MALFORMED;
    const body = `${text}\n`;
    socket.write(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The HTTP server for the app, with its time limits and connection tracking. */
export function createHttpServer(handler: http.RequestListener, timeouts: HttpTimeouts): http.Server {
  const server = http.createServer({
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
  });
  // Socket inactivity: a response whose client stopped reading ends after this long without progress.
  server.setTimeout(timeouts.idleTimeoutMs, (socket) => socket.destroy());
  connectionsOf(server); // before the app's listener, so it sees each request first
  server.on('request', handler);
  server.on('clientError', answerClientError);
  return server;
}
