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
