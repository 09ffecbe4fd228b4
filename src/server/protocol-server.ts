/** One protocol served on its own port: HTTP (health, companion routes) and Socket.IO. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ChatCore } from '../core/chat-core.js';
import type { AuthenticatorOptions } from '../auth/authenticator.js';
import { buildModel } from '../spec/model.js';
import { readSpecFile } from '../spec/source.js';
import type { AdapterDeps } from './adapter.js';
import { adapterOf } from './adapters.js';
import type { FlowControlOptions } from '../runtime/flow-control.js';
import { DEFAULT_MAX_PACKETS_PER_REQUEST, limitPollingPackets, refuseOtherMethods } from './engine-limits.js';
import { createRequestHandler, sendJson, type Route } from './http.js';
import { originPolicy } from './origins.js';
import type { Logger } from './logger.js';
import { specPathOf } from './protocols.js';

export interface ProtocolServerOptions {
  readonly protocol: string;
  readonly port: number;
  readonly host?: string;
  readonly core: ChatCore;
  readonly auth: AuthenticatorOptions;
  readonly logger: Logger;
  readonly validateOutgoing?: boolean;
  /** Check handlers' emits against the spec's sequences (the runtime's `checkSequences`; default `log` with outgoing validation). */
  readonly checkSequences?: 'log' | 'throw' | false;
  /** The base URL clients reach this server at (links such as media URLs); default: the listening address. */
  readonly publicUrl?: string;
  /** Browser origins allowed besides the server's own (default: localhost pages outside production). */
  readonly allowedOrigins?: readonly string[];
  /** Rate limits on client events (default: the runtime's DEFAULT_FLOW_CONTROL); `false` turns them off. */
  readonly flowControl?: FlowControlOptions | false;
  /** Packets one long-polling request may carry (default {@link DEFAULT_MAX_PACKETS_PER_REQUEST}). */
  readonly maxPacketsPerRequest?: number;
}

export interface RunningProtocolServer {
  readonly protocol: string;
  readonly url: string;
  readonly io: Server;
  readonly http: HttpServer;
  /** The HTTP routes served beside Socket.IO (health, the protocol's companion endpoints). */
  readonly routes: readonly Route[];
  /** Stops accepting connections, disconnects sockets, closes the HTTP server. */
  close(): Promise<void>;
}

/** Starts a protocol's server; resolves once it listens. Throws for a name that is not a protocol's. */
export async function startProtocolServer(options: ProtocolServerOptions): Promise<RunningProtocolServer> {
  const createAdapter = adapterOf(options.protocol);
  const model = buildModel(readSpecFile(specPathOf(options.protocol)));
  const logger = options.logger.child({ protocol: options.protocol });
  const host = options.host ?? '127.0.0.1';
  let url = `http://${host}:${options.port}`;
  const deps: AdapterDeps = {
    core: options.core,
    model,
    logger,
    auth: options.auth,
    publicUrl: () => options.publicUrl ?? url,
    attachOptions: {
      validateOutgoing: options.validateOutgoing ?? process.env.NODE_ENV !== 'production',
      logger,
      flowControl: options.flowControl,
      checkSequences: options.checkSequences,
    },
  };
  const origins = originPolicy({ allowed: options.allowedOrigins, production: process.env.NODE_ENV === 'production' });
  const health: Route = {
    method: 'GET',
    path: '/healthz',
    handle: (_req, res) => sendJson(res, 200, { status: 'ok', protocol: options.protocol, database: options.core.dialect }),
  };
  const adapter = createAdapter(deps);
  const routes = [health, ...adapter.routes()];
  const http = createServer(createRequestHandler(routes, logger, origins));
  const io = new Server(http, {
    ...adapter.serverOptions,
    serveClient: false,
    // Both transports' handshakes: a page of a foreign origin gets no session at all.
    allowRequest: (request, callback) => callback(origins.admits(request) ? null : 'origin not allowed', origins.admits(request)),
    cors: { origin: (origin, callback) => callback(null, origin !== undefined && origins.allowsCrossOrigin(origin)), credentials: true },
  });
  limitPollingPackets(io, options.maxPacketsPerRequest ?? DEFAULT_MAX_PACKETS_PER_REQUEST, logger);
  refuseOtherMethods(io);
  await adapter.attach(io);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  url = `http://${host}:${port}`;
  return {
    protocol: options.protocol,
    url,
    io,
    http,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        // io.close() disconnects every socket and closes the HTTP server.
        void io.close(() => resolve());
      }),
  };
}
