import http from 'node:http';
import type { Socket } from 'node:net';

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
  return server;
}
