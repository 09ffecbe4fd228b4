/**
 * The teamchat reference server: the generated stub's handlers on the chat core.
 *
 * Deliveries: an emit "to the room" goes to the user rooms (`user:<id>`) of the room's members,
 * so every socket of every member gets it, whenever it connected; `{userId}` and
 * `group_{userId}` go to that one user's room. Socket.IO's rooms do the fan-out (on one node,
 * or on several through a Socket.IO adapter); no socket is looked up here.
 *
 * Auth: a JWT (`auth.token`, `sub` = user id) by default; `--auth trust` takes the user from the
 * first `connectRooms` instead, unverified. Either way the stub refuses a payload whose identity
 * field is not the connected user, and every room operation checks membership first.
 */
import { attachTeamchat, teamchatServerOptions, type Context, type Handlers } from '../../generated/teamchat/server.js';
import { namespaceAuthenticator, type AdapterDeps, type ProtocolAdapter } from '../server/adapter.js';
import { connectRooms } from './handlers/connect-rooms.js';
import { createGroup } from './handlers/create-group.js';
import { deleteMessage, editMessage, messageSeen, pinMessage } from './handlers/message-changes.js';
import { sendMessage } from './handlers/send-message.js';
import { sendNewMessage } from './handlers/send-new-message.js';
import { typing } from './handlers/typing.js';
import { mediaRoutes } from './media-routes.js';
import { RoomMembersCache } from './room-members.js';
import type { Services } from './services.js';
import { Sessions } from './session.js';

/** The stub's handlers, each given the shared services. */
export function teamchatHandlers(s: Services): Handlers {
  return {
    connectRooms: (p, ctx) => connectRooms(s, p, ctx),
    sendMessage: (p, ctx) => sendMessage(s, p, ctx),
    typing: (p, ctx) => typing(s, p, ctx),
    sendNewMessage: (p, ctx) => sendNewMessage(s, p, ctx),
    createGroup: (p, ctx) => createGroup(s, p, ctx),
    deleteMessage: (p, ctx) => deleteMessage(s, p, ctx),
    editMessage: (p, ctx) => editMessage(s, p, ctx),
    messageSeen: (p, ctx) => messageSeen(s, p, ctx),
    pinMessage: (p, ctx) => pinMessage(s, p, ctx),
    async onConnect(ctx: Context) {
      // With a token the user is known now: count them online at once. In trust mode they are
      // known only after `connectRooms`, which resolves them.
      if (ctx.userId) await s.sessions.userOf(ctx);
    },
    onDisconnect: (ctx: Context) => s.sessions.disconnected(ctx),
  };
}

export function teamchatAdapter(deps: AdapterDeps): ProtocolAdapter {
  // The socket handshake's; the HTTP routes verify the same tokens (and require one in every mode).
  const authenticate = namespaceAuthenticator(deps);
  return {
    serverOptions: teamchatServerOptions,

    attach(io) {
      if (deps.auth.mode === 'trust') {
        deps.logger.warn(
          'teamchat --auth trust: a connection becomes whichever user_id its first connectRooms names, unverified (for existing clients only)',
        );
      }
      const services: Services = {
        core: deps.core,
        sessions: new Sessions(deps.core),
        rooms: new RoomMembersCache(deps.core),
        publicUrl: deps.publicUrl,
        logger: deps.logger,
      };
      attachTeamchat(io, { root: teamchatHandlers(services) }, { authenticate, ...deps.attachOptions });
    },

    routes: () => mediaRoutes(deps, authenticate),
  };
}
