import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { shutdownGracefully } from '../../src/lifecycle';
import { createHttpServer } from '../../src/web/http-server';

const TIMEOUTS = {
  headersTimeoutMs: 5000,
  requestTimeoutMs: 10000,
  keepAliveTimeoutMs: 5000,
  idleTimeoutMs: 10000,
};

/** A raw connection: what the server sent, and whether it closed the connection. */
function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  });
  const connected = new Promise((resolve) => socket.once('connect', resolve));
  return { socket, connected, closed, received: () => received };
}

describe('draining the HTTP server', () => {
  it('answers a request sent after the signal on a connection opened before it, and closes idle kept-alive ones', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'), TIMEOUTS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const keptAlive = rawConnection(port);
    await keptAlive.connected;
    keptAlive.socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
    const opened = rawConnection(port); // its request is not sent yet
    await opened.connected;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(keptAlive.received()).toMatch(/^HTTP\/1\.1 200/);

    const shutdown = shutdownGracefully(server, [], { timeoutMs: 5000, logger: pino({ level: 'silent' }) });
    // The idle kept-alive connection is closed (it has no request in flight)...
    await expect(keptAlive.closed).resolves.toBe('closed');
    // ...but the one whose request is still to come is not: its request is answered, then it closes.
    await new Promise((resolve) => setTimeout(resolve, 150));
    opened.socket.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect(opened.closed).resolves.toBe('closed');
    expect(opened.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close[\s\S]*\r\n\r\nok$/i);
    await expect(shutdown).resolves.toBe(true);
  });
});

describe('requests refused by the HTTP parser', () => {
  it('answers an address over 16 KB with 431 and a line to act on, and a malformed request with 400, closing the connection', async () => {
    const reached: string[] = [];
    const server = createHttpServer((req, res) => {
      reached.push(req.url ?? '');
      res.end('ok');
    }, TIMEOUTS);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const long = rawConnection(port);
      await long.connected;
      long.socket.write(`GET /workshops?after=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await long.closed;
      expect(long.received()).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      expect(long.received()).toContain('Connection: close');
      expect(long.received()).toContain('too long (over 16 KB). Go back and follow a link');

      const garbage = rawConnection(port);
      await garbage.connected;
      garbage.socket.write('NOT HTTP AT ALL\r\n\r\n');
      await garbage.closed;
      expect(garbage.received()).toMatch(
        /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nThe request could not be understood/,
      );
      expect(reached).toEqual([]);

      const fine = rawConnection(port);
      await fine.connected;
      fine.socket.write('GET /still-answered HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await fine.closed;
      expect(fine.received()).toMatch(/^HTTP\/1\.1 200 OK/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
