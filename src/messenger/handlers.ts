/** The generated stub's handlers of `/`, each a module of its own. */
import type { Handlers } from '../../generated/messenger/server.js';
import type { MessengerContext } from './context.js';
import { onConnect, onDisconnect } from './lifecycle.js';
import { deleteMessage, seeMessage } from './message-actions.js';
import { sendMedia, sendMessage } from './sending.js';

export function messengerHandlers(mc: MessengerContext): Handlers {
  return {
    sendMessage: (payload, ctx) => sendMessage(mc, payload, ctx),
    sendMedia: (payload, ctx) => sendMedia(mc, payload, ctx),
    deleteMessage: (payload, ctx) => deleteMessage(mc, payload, ctx),
    seeMessage: (payload, ctx) => seeMessage(mc, payload, ctx),
    onConnect: (ctx) => onConnect(mc, ctx),
    onDisconnect: (ctx) => onDisconnect(mc, ctx),
  };
}
