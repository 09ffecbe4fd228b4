/**
 * The rooms reference server: the generated stub (validation, identity checks, error event)
 * filled with the chat core. Socket.IO 4 with Engine.IO v3 accepted, so the original's
 * socket.io-client 2.x apps connect unchanged (their token in `?token=`).
 */
import { attachRooms, roomsServerOptions, type Context, type Handlers } from '../../generated/rooms/server.js';
import { namespaceAuthenticator, type AdapterDeps, type ProtocolAdapter } from '../server/adapter.js';
import { getChats, newRoomCreate } from './rooms.js';
import { newMessage } from './messages.js';
import { onlineStatus } from './online.js';
import { Sessions } from './session.js';
import { typing } from './typing.js';

/** The handlers of `/`, on a core. */
export function roomsHandlers(deps: Pick<AdapterDeps, 'core'>): Handlers {
  const { core } = deps;
  const sessions = new Sessions(core);
  return {
    async connected(payload, ctx) {
      // In trust mode this is the event that names the user; in jwt mode the session exists
      // already. Either way: the profile is refreshed and the socket (re)joins every room.
      const fresh = sessions.get(ctx.socket) === undefined;
      const session = await sessions.open(ctx, payload.user);
      if (!fresh) await sessions.joinRooms(ctx.socket, session);
    },
    getChats: (payload, ctx) => getChats(core, sessions, payload, ctx),
    newRoomCreate: (payload, ctx) => newRoomCreate(core, sessions, payload, ctx),
    newMessage: (payload, ctx) => newMessage(core, sessions, payload, ctx),
    typingStart: (payload, ctx) => typing(core, sessions, 'show_start_typing', payload, ctx),
    typingEnd: (payload, ctx) => typing(core, sessions, 'show_end_typing', payload, ctx),
    onlineStatus: (payload, ctx) => onlineStatus(core, sessions, payload, ctx),
    async onConnect(ctx: Context) {
      // jwt mode: the handshake named the user. Trust mode: wait for `connected`.
      if (ctx.userId !== '') await sessions.open(ctx);
    },
    async onDisconnect(ctx: Context) {
      await sessions.close(ctx.socket);
    },
  };
}

/** Rooms has no HTTP routes: everything goes over the socket. */
export function roomsAdapter(deps: AdapterDeps): ProtocolAdapter {
  return {
    serverOptions: roomsServerOptions,
    attach(io) {
      if (deps.auth.mode === 'trust') {
        deps.logger.warn(
          { auth: 'trust' },
          "rooms: --auth trust: a socket without a token is whoever its first 'connected' event names (user.user_id), unverified",
        );
      }
      attachRooms(io, { root: roomsHandlers(deps) }, { authenticate: namespaceAuthenticator(deps), ...deps.attachOptions });
    },
    routes: () => [],
  };
}
