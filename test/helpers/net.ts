/** Real Socket.IO servers on ephemeral ports, and waiting for conditions instead of sleeping. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';

export interface TestServer {
  readonly io: Server;
  readonly http: HttpServer;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a Socket.IO server on 127.0.0.1 and an ephemeral port. */
export async function startSocketServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const http = createServer();
  const io = new Server(http, options);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    io,
    http,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

/** Resolves with the next `event` a socket-like emitter receives, or rejects after `ms`. */
// `any` here on purpose: typed sockets narrow `once` to their own event maps.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listenable = { once(event: any, fn: any): unknown };

export function nextEvent<T = unknown>(socket: Listenable, event: string, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    socket.once(event, (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}

/** Collects every event a socket receives (via onAny), in order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function recordEvents(socket: { onAny(fn: any): unknown }): { event: string; payload: unknown }[] {
  const log: { event: string; payload: unknown }[] = [];
  socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  return log;
}

/** Waits until `condition` holds, polling; fails with `message` after `ms`. */
export async function waitFor(condition: () => boolean, message = 'condition', ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
