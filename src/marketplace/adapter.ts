/**
 * The marketplace reference server: the generated stub's two namespaces (`/presence`, `/chat`)
 * on the chat core, and the HTTP endpoints media are uploaded to and served from.
 */
import { namespaceAuthenticator, type AdapterDeps, type ProtocolAdapter } from '../server/adapter.js';
import { attachMarketplace, marketplaceServerOptions, type Credential } from '../../generated/marketplace/server.js';
import { chatHandlers } from './chat-handlers.js';
import type { Authenticate } from './http-auth.js';
import { mediaRoutes, mediaUrlOf } from './media-routes.js';
import { OnlineStatus } from './online.js';
import { presenceHandlers } from './presence-handlers.js';

/** One authenticator per namespace, each shaped by that namespace's handshake in the spec. */
function authenticatorOf(deps: AdapterDeps): Authenticate {
  const byPath = new Map(deps.model.namespaces.map((ns) => [ns.path, namespaceAuthenticator(deps, ns.path)]));
  return async (credential: Credential) => {
    const authenticate = byPath.get(credential.namespace);
    if (authenticate === undefined) throw new Error(`no handshake for namespace ${credential.namespace}`);
    return authenticate(credential);
  };
}

export function marketplaceAdapter(deps: AdapterDeps): ProtocolAdapter {
  const { core } = deps;
  const authenticate = authenticatorOf(deps);
  const mediaUrl = mediaUrlOf(deps.publicUrl);
  return {
    serverOptions: marketplaceServerOptions,

    attach(io) {
      // The same namespace object the stub registers `/presence` on.
      const online = new OnlineStatus(core, io.of('/presence'));
      attachMarketplace(
        io,
        { presence: presenceHandlers(core), chat: chatHandlers({ core, online, mediaUrl }) },
        {
          authenticate,
          // The presence-first rule of `/chat`.
          isOnline: (userKey) => online.isOnline(userKey),
          ...deps.attachOptions,
        },
      );
    },

    routes: () => mediaRoutes({ core, authenticate, mediaUrl }),
  };
}
