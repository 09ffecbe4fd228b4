/**
 * The messenger reference server: the generated stub of asyncapi/messenger.yaml filled with the
 * chat core, plus the companion HTTP endpoints (threads, history, mark as read, unread count)
 * and the media files `sendMedia` stored.
 *
 * @example
 * // parley serve --protocol messenger  (finds this module by its folder)
 * const server = await startProtocolServer({ protocol: 'messenger', port: 4100, core, auth, logger });
 */
import { attachMessenger, messengerServerOptions, type Emitter } from '../../generated/messenger/server.js';
import type { AdapterDeps, ProtocolAdapter } from '../server/adapter.js';
import { chatRoutes } from './chat-routes.js';
import { MessengerContext } from './context.js';
import { messengerHandlers } from './handlers.js';
import { mediaRoute } from '../server/media-route.js';
import { HttpAccess, mediaAccess, messengerAuthenticator, type Authenticate } from './http-access.js';

/** What `attach` and `routes` of one server share (the server calls both with the same deps). */
interface Server {
  readonly context: MessengerContext;
  readonly authenticate: Authenticate;
  emit?: Emitter;
}

const servers = new WeakMap<AdapterDeps, Server>();

function serverOf(deps: AdapterDeps): Server {
  let server = servers.get(deps);
  if (server === undefined) {
    server = { context: new MessengerContext(deps.core, deps.logger, deps.publicUrl), authenticate: messengerAuthenticator(deps) };
    servers.set(deps, server);
  }
  return server;
}

export const adapter: ProtocolAdapter = {
  serverOptions: messengerServerOptions,

  attach(io, deps) {
    const server = serverOf(deps);
    const attached = attachMessenger(io, { root: messengerHandlers(server.context) }, {
      authenticate: server.authenticate,
      ...deps.attachOptions,
    });
    server.emit = attached.root.emit;
  },

  routes(deps) {
    const server = serverOf(deps);
    const access = new HttpAccess(server.authenticate, deps.model);
    return [...chatRoutes(server.context, access, () => server.emit), mediaRoute(deps.core, mediaAccess(access, server.context.directory))];
  },
};
