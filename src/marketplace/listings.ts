/**
 * What a user sees of their chats: the list (`userChats`), the messages that reached them while
 * offline (`offlineMessages`), and one chat opened (`loadMessages`). Always the latest page,
 * never a whole history: the original sent every message of every chat on each connection.
 */
import type { ChatCore, ConversationDetails } from '../core/index.js';
import type * as T from '../../generated/marketplace/types.js';
import { refusing } from '../server/refusals.js';
import type { Actor } from './identity.js';
import { WORDING, wireChat, wireMessage, type MediaUrl } from './wire.js';

/** The spec's bounds: chats per list, messages per chat, offline messages. */
export const PAGE = { chats: 500, messagesPerChat: 50, offlineMessages: 200 } as const;

/** The user's chats, most recently active first, each with its latest messages, newest first. */
export async function userChats(core: ChatCore, actor: Actor, mediaUrl: MediaUrl): Promise<T.Chat[]> {
  const page = await core.listConversations(actor.user.id, { limit: PAGE.chats, recentMessages: PAGE.messagesPerChat });
  return page.items.filter((c) => c.conversation.kind === 'product').map((c) => wireChat(c, c.recentMessages, mediaUrl));
}

/**
 * The messages to the user that were stored while they were offline and that they have not
 * read, newest first. They stay listed until read (`joinChat`, `markAsRead`).
 */
export async function offlineMessages(core: ChatCore, actor: Actor, mediaUrl: MediaUrl): Promise<T.Message[]> {
  const unread = await core.unreadMessages(actor.user.id, { limit: PAGE.offlineMessages });
  const offline = unread.filter((m) => m.metadata['recipientOnline'] !== true);
  if (offline.length === 0) return [];
  const senders = await core.getUsers(offline.map((m) => m.senderId));
  return offline.flatMap((m) => {
    const sender = senders.get(m.senderId);
    return sender === undefined ? [] : [wireMessage(m, sender, false, mediaUrl)];
  });
}

/** One chat of the actor with its latest page of messages (404 unknown, 403 not theirs). */
export async function loadChat(
  core: ChatCore,
  actor: Actor,
  chatId: string,
  mediaUrl: MediaUrl,
): Promise<{ details: ConversationDetails; chat: T.Chat }> {
  const details = await refusing(() => core.getConversation(actor.user.id, chatId), { ...WORDING, field: 'chatId' });
  const page = await core.history(actor.user.id, chatId, { limit: PAGE.messagesPerChat });
  return { details, chat: wireChat(details, page.items, mediaUrl) };
}
