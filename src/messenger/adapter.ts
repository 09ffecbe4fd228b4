/**
 * The messenger reference server: the generated stub of asyncapi/messenger.yaml filled with the
 * chat core, plus the companion HTTP endpoints (threads, history, mark as read, unread count)
 * and the media files `sendMedia` stored.
 *
 * @example
 * // parley serve --protocol messenger  (src/server/adapters.ts names this adapter)
 * const server = await startProtocolServer({ protocol: 'messenger', port: 4100, core, auth, logger });
 */
import { attachMessenger, messengerServerOptions, type Emitter } from '../../generated/messenger/server.js';
import type { AdapterDeps, ProtocolAdapter } from '../server/adapter.js';
import { mediaRoute } from '../server/media-route.js';
import { chatRoutes } from './chat-routes.js';
import { MessengerContext } from './context.js';
import { messengerHandlers } from './handlers.js';
import { HttpAccess, mediaAccess, messengerAuthenticator } from './http-access.js';

export function messengerAdapter(deps: AdapterDeps): ProtocolAdapter {
  const context = new MessengerContext(deps.core, deps.logger, deps.publicUrl);
  const authenticate = messengerAuthenticator(deps);
  // The namespace's emitter once attached: an HTTP change (mark as read) pushes to the sockets too.
  let emit: Emitter | undefined;
  return {
    serverOptions: messengerServerOptions,

    attach(io) {
      const attached = attachMessenger(io, { root: messengerHandlers(context) }, { authenticate, ...deps.attachOptions });
      emit = attached.root.emit;
    },

    routes() {
      const access = new HttpAccess(authenticate, deps.model);
      return [...chatRoutes(context, access, () => emit), mediaRoute(deps.core, mediaAccess(access, context.directory))];
    },
  };
}
