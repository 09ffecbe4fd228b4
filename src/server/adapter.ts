/**
 * What a protocol adapter (src/<protocol>/adapter.ts) is: a function of the server's
 * dependencies that returns the protocol's parts for that server, its Socket.IO handlers and its
 * HTTP routes, which share their state (an emitter, caches, sessions) by closure. Every protocol
 * has the same shape; src/server/adapters.ts lists them.
 */
import type { Server, ServerOptions } from 'socket.io';
import type { ChatCore } from '../core/chat-core.js';
import { createAuthenticator, type AuthenticatorOptions } from '../auth/authenticator.js';
import type { Authenticate } from '../auth/http.js';
import type { ProtocolModel } from '../spec/model.js';
import type { AttachOptions } from '../runtime/server.js';
import type { Route } from './http.js';
import type { Logger } from './logger.js';

export interface AdapterDeps {
  readonly core: ChatCore;
  readonly model: ProtocolModel;
  readonly logger: Logger;
  /** The JWT key and the auth mode (`jwt`, or `trust` for the original clients). */
  readonly auth: AuthenticatorOptions;
  /** The server's own base URL (`http://127.0.0.1:4100`), for links such as media URLs. */
  readonly publicUrl: () => string;
  /** What every protocol hands its generated stub's `attach` besides its authenticator. */
  readonly attachOptions: Pick<AttachOptions, 'validateOutgoing' | 'logger' | 'flowControl' | 'checkSequences'>;
}

/** A protocol's parts for one server. The server calls `routes` first, then `attach`. */
export interface ProtocolAdapter {
  /** Socket.IO options the protocol needs (the generated `<protocol>ServerOptions`). */
  readonly serverOptions?: Partial<ServerOptions>;
  /** Registers the protocol's namespaces and handlers. */
  attach(io: Server): void | Promise<void>;
  /** Companion HTTP routes (REST endpoints, media); none for a protocol without any. */
  routes(): Route[];
}

/**
 * Builds a protocol's adapter for one server.
 *
 * @example
 * const adapter = messengerAdapter(deps);
 * const routes = adapter.routes();
 * await adapter.attach(new Server(http, adapter.serverOptions));
 */
export type AdapterFactory = (deps: AdapterDeps) => ProtocolAdapter;

/** The handshake authenticator of one of the protocol's namespaces (`/` unless said), as its spec describes it. */
export function namespaceAuthenticator(deps: Pick<AdapterDeps, 'model' | 'auth'>, path = '/'): Authenticate {
  const namespace = deps.model.namespaces.find((n) => n.path === path);
  if (namespace === undefined) throw new Error(`${deps.model.protocol}: the spec has no '${path}' namespace`);
  return createAuthenticator(deps.model, namespace, deps.auth);
}
