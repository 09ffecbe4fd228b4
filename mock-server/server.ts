/**
 * Starting a mock: an HTTP server on a port, with Socket.IO (the spec's namespaces), the control
 * API under `/_mock/` and the playground, all on that one port.
 *
 * @example
 * const mock = await startMock({ spec: 'asyncapi/messenger.yaml', port: 0, seed: 7 });
 * console.log(mock.url, mock.playgroundUrl);
 * await mock.close();
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { Chatter } from './control/chatter.js';
import type { MockSettings } from './context.js';
import { controlRoutes, NOT_FOUND } from './control/control-api.js';
import { createRequestHandler, sendJson } from '../src/server/http.js';
import { originPolicy } from '../src/server/origins.js';
import type { AuthMode } from './transport/handshake.js';
import { silentLogger, type Logger } from '../src/server/logger.js';
import { playgroundRoutes } from './playground/routes.js';
import { MockProtocol } from './protocol.js';
import { readSpecFile } from '../src/spec/source.js';

export interface MockOptions {
  /** The spec file (asyncapi/<protocol>.yaml or any spec following the conventions). */
  readonly spec: string;
  /** The port (0: any free port). Default: the spec's `servers.local` port. */
  readonly port?: number;
  /** The interface to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** The seed of every random choice. Default 1. */
  readonly seed?: number;
  /** Start a fixed clock at this instant (ms since the epoch): fully reproducible sessions. */
  readonly now?: number;
  readonly stateless?: boolean;
  /** Fake peer events per second per connected user. */
  readonly chatter?: number;
  /** Milliseconds before answering each client event. */
  readonly latency?: number;
  /** Probability that an emit to a socket is dropped. */
  readonly drop?: number;
  /** Fake conversations each user's lists start with. Default 3. */
  readonly fill?: number;
  /** `jwt` (default): a token is required; `trust`: the spec's trust mode is accepted too. */
  readonly auth?: AuthMode;
  readonly logger?: Logger;
}

export interface MockServer {
  readonly protocol: MockProtocol;
  readonly chatter: Chatter;
  readonly io: Server;
  readonly http: HttpServer;
  readonly port: number;
  /** `http://host:port`: Socket.IO clients connect here, the control API is under `/_mock/`. */
  readonly url: string;
  readonly playgroundUrl: string;
  /** Tells the playground which other mocks run side by side. */
  setSiblings(mocks: readonly { protocol: string; url: string; title: string }[]): void;
  close(): Promise<void>;
}

/** The largest binary a spec accepts, for Socket.IO's `maxHttpBufferSize`. */
function maxBinary(data: unknown): number {
  let max = 0;
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'x-socketio-binary' && v && typeof v === 'object') max = Math.max(max, Number((v as { maxBytes?: number }).maxBytes ?? 0));
        else walk(v);
      }
    }
  };
  walk(data);
  return max;
}

/** Starts a mock of one spec. */
export async function startMock(options: MockOptions): Promise<MockServer> {
  const logger = options.logger ?? silentLogger();
  const source = readSpecFile(options.spec);
  const channels = Object.values((source.data.channels ?? {}) as Record<string, { 'x-socketio'?: { engineIO3?: boolean } }>);
  const settings: MockSettings = {
    seed: (options.seed ?? 1) >>> 0,
    latency: options.latency ?? 0,
    drop: options.drop ?? 0,
    stateless: options.stateless ?? false,
    fill: options.fill ?? 3,
    chatter: 0,
    now: options.now,
  };
  let siblings: readonly { protocol: string; url: string; title: string }[] = [];
  let url = '';

  // One HTTP layer with the servers (src/server/http.ts). Any origin may call the mock: it is a
  // development tool, and a frontend's dev server or another mock's playground calls it.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http = createServer((req, res) => {
    if (handle) handle(req, res);
    else sendJson(res, 503, { error: 'starting' });
  });
  const io = new Server(http, {
    cors: { origin: true, credentials: true },
    allowEIO3: channels.some((c) => c['x-socketio']?.engineIO3 === true),
    maxHttpBufferSize: Math.max(1_000_000, maxBinary(source.data) + 64 * 1024),
  });
  const protocol = await MockProtocol.create(options.spec, io, { settings, auth: options.auth ?? 'jwt', logger, publicUrl: () => url });
  const chatter = new Chatter(protocol);
  const mocks = () => (siblings.length ? siblings : [{ protocol: protocol.name, url, title: protocol.ctx.spec.model.title }]);
  handle = createRequestHandler([...playgroundRoutes(), ...controlRoutes({ protocol, chatter, mocks, url: () => url })], logger, originPolicy({ allowed: ['*'] }), NOT_FOUND);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? protocol.ctx.spec.model.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  // Payload pools are built in the background, so that the first events need not wait for them.
  void protocol.ctx.factory.warm().then(() => {
    protocol.poolsReady = true;
    logger.debug({ protocol: protocol.name }, 'payload pools ready');
  });
  if (options.chatter) chatter.setRate(options.chatter);
  if (options.auth === 'trust') logger.warn({ protocol: protocol.name }, 'trust mode: identities from the handshake or an announce event are accepted unverified');

  return {
    protocol,
    chatter,
    io,
    http,
    port,
    url,
    playgroundUrl: `${url}/_mock/playground/`,
    setSiblings(mocks) {
      siblings = mocks;
    },
    close() {
      chatter.stop();
      protocol.ctx.factory.stopWarming();
      return new Promise<void>((resolve) => {
        io.close(() => resolve());
        http.closeAllConnections?.();
      });
    },
  };
}
