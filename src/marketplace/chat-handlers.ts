/**
 * `/chat`: every client event of the chat namespace, on the chat core. The stub has already
 * authenticated the socket (customers and vendors only), checked the presence-first rule and
 * validated each payload; these handlers find the chat, check it is the actor's, act, and emit.
 * Deliveries to a chat go to both users' rooms (`user:<role>:<id>`): every socket of both, as the
 * spec requires, whatever chat rooms a socket has joined.
 */
import type { ChatCore } from '../core/index.js';
import type { ChatContext, ChatHandlers } from '../../generated/marketplace/server.js';
import { refusing } from '../server/refusals.js';
import { actorOf, wireUserId, type Actor } from './identity.js';
import { ChatLookupCache, chatByProduct, counterpartIn, type ResolvedChat } from './chat-lookup.js';
import { loadChat, offlineMessages, userChats } from './listings.js';
import type { OnlineStatus } from './online.js';
import { sendMessage } from './send-message.js';
import { WORDING, ok, type MediaUrl } from './wire.js';

export interface ChatDeps {
  readonly core: ChatCore;
  readonly online: OnlineStatus;
  readonly mediaUrl: MediaUrl;
}

const CACHE = 'marketplaceChats';

/** The socket's cache of chats looked up by product. */
function cacheOf(ctx: ChatContext): ChatLookupCache {
  const data = ctx.socket.data as Record<string, unknown>;
  return (data[CACHE] ??= new ChatLookupCache()) as ChatLookupCache;
}

/**
 * The `/chat` handlers of the generated stub, on the chat core.
 *
 * @example
 * attachMarketplace(io, { presence: presenceHandlers(core), chat: chatHandlers({ core, online, mediaUrl }) }, options);
 */
export function chatHandlers(deps: ChatDeps): ChatHandlers {
  const { core, mediaUrl } = deps;
  const actor = (ctx: ChatContext) => actorOf(core, ctx);

  /** Subscribes the socket to the room of every chat of the actor. */
  const joinAll = async (ctx: ChatContext, who: Actor) => {
    for (const id of await core.conversationIdsOf(who.user.id)) ctx.join(id);
  };
  const sendUserChats = async (ctx: ChatContext, who: Actor, message: string) => {
    ctx.emit('userChats', ok(message, await userChats(core, who, mediaUrl)), 'socket');
  };
  /** The chat a `ChatRequest` names (404 when the actor has none with that product and user). */
  const named = async (ctx: ChatContext, request: { productId: string; recipientId: number }): Promise<{ who: Actor; chat: ResolvedChat }> => {
    const who = await actor(ctx);
    return { who, chat: await chatByProduct(core, who, request.productId, request.recipientId, cacheOf(ctx)) };
  };
  const readReceipt = (ctx: ChatContext, who: Actor, chat: ResolvedChat) => {
    ctx.emit('updateReadReceipts', ok('Messages marked as read', { chatId: chat.id, readerId: wireUserId(who.user) }), { user: chat.counterpart.key });
  };

  return {
    async onConnect(ctx) {
      const who = await actor(ctx);
      await joinAll(ctx, who);
      // The spec's order (the document's): userChats, then offlineMessages.
      await sendUserChats(ctx, who, 'Chats have been sent successfully');
      ctx.emit('offlineMessages', ok('Offline messages has been sent successfully', await offlineMessages(core, who, mediaUrl)), 'socket');
    },

    async joinChat(payload, ctx) {
      const who = await actor(ctx);
      // `chatId` wins when both forms are given; the anyOf of the schema guarantees one.
      const chatId =
        payload.chatId ?? (await chatByProduct(core, who, payload.productId!, payload.recipientId!, cacheOf(ctx))).id;
      await refusing(() => core.markRead(who.user.id, chatId), { ...WORDING, field: payload.chatId === undefined ? undefined : 'chatId' });
      ctx.join(chatId);
      const { details, chat } = await loadChat(core, who, chatId, mediaUrl);
      ctx.emit('loadMessages', ok('Chats has been loaded', chat), 'socket');
      readReceipt(ctx, who, { id: chatId, counterpart: counterpartIn(details, who) });
    },

    async joinRooms(_payload, ctx) {
      const who = await actor(ctx);
      await joinAll(ctx, who);
      await sendUserChats(ctx, who, 'Chats has been sent successfully');
    },

    async sendMessage(payload, ctx) {
      await sendMessage(deps, payload, ctx, await actor(ctx), cacheOf(ctx));
    },

    async markAsRead(payload, ctx) {
      const { who, chat } = await named(ctx, payload);
      await refusing(() => core.markRead(who.user.id, chat.id), WORDING);
      readReceipt(ctx, who, chat);
    },

    async deleteMessage(payload, ctx) {
      const { who, chat } = await named(ctx, payload);
      // The core checks, in order: the message is in this chat (404), the actor sent it (403).
      await refusing(() => core.deleteMessage({ userId: who.user.id, messageId: payload.messageId, conversationId: chat.id }), {
        ...WORDING,
        field: 'messageId',
      });
      ctx.emit('messageDeleted', ok('Message has been deleted successfully', { chatId: chat.id, messageId: payload.messageId }), [
        { user: who.key },
        { user: chat.counterpart.key },
      ]);
    },

    async typing(payload, ctx) {
      const { who, chat } = await named(ctx, payload);
      ctx.emit('userTyping', ok('User is typing', { chatId: chat.id, userId: wireUserId(who.user), productId: payload.productId }), {
        user: chat.counterpart.key,
      });
    },

    async stoppedTyping(payload, ctx) {
      const { who, chat } = await named(ctx, payload);
      ctx.emit('stoppedTyping', ok('User has stopped typing', { chatId: chat.id, userId: wireUserId(who.user), productId: payload.productId }), {
        user: chat.counterpart.key,
      });
    },

    async getUserChats(_payload, ctx) {
      await sendUserChats(ctx, await actor(ctx), 'Chats has been sent successfully');
    },
  };
}
