/**
 * `sendMessage`: a message to the counterpart `recipientId` about `productId`. The first one
 * creates the product chat, filled from the request's product and store fields. The message is
 * emitted back only once stored, in the spec's order:
 * 1. new chat, recipient online: the recipient's sockets join the chat's room and get `newChat`;
 * 2. new chat: the sender's sockets get `receiveMessage` (the recipient has it in `newChat`);
 * 3. existing chat: both users' sockets get `receiveMessage`.
 */
import type { ChatCore } from '../core/index.js';
import type { ChatContext } from '../../generated/marketplace/server.js';
import { ProtocolError, conversationRoom, userRoom } from '../runtime/errors.js';
import type * as T from '../../generated/marketplace/types.js';
import { refusing } from '../server/refusals.js';
import { chatRole, counterpartOf, realmOf, userKey, type Actor } from './identity.js';
import { ChatLookupCache, chatByProduct } from './chat-lookup.js';
import { checkMessageMedia } from './media-check.js';
import type { OnlineStatus } from './online.js';
import { WORDING, chatMetadataOf, ok, wireChat, wireMessage, type MediaUrl, type MessageMetadata } from './wire.js';

export interface SendDeps {
  readonly core: ChatCore;
  readonly online: OnlineStatus;
  readonly mediaUrl: MediaUrl;
}

/**
 * Handles one `sendMessage` of `actor`: refuses before writing anything (files checked first),
 * creates the chat if this is its first message, stores the message, then emits.
 */
export async function sendMessage(deps: SendDeps, payload: T.SendMessagePayload, ctx: ChatContext, actor: Actor, cache: ChatLookupCache): Promise<void> {
  const { core } = deps;
  const role = chatRole(actor);
  const otherRole = counterpartOf(role);
  const recipientExternalId = String(payload.recipientId);
  // The recipient may never have connected: a first message names them into existence.
  const recipients = await refusing(() => core.ensureUsers(realmOf(otherRole), [recipientExternalId]), { ...WORDING, field: 'recipientId' });
  const recipient = recipients.get(recipientExternalId)!;
  const recipientKey = userKey(otherRole, recipientExternalId);
  const pair = role === 'customer' ? { customerId: actor.user.id, vendorId: recipient.id } : { customerId: recipient.id, vendorId: actor.user.id };
  const mediaIds = (payload.messageMedias ?? []).map((m) => m.id);

  if (mediaIds.length > 0) {
    const existing = await findChat(deps, actor, payload, cache);
    await checkMessageMedia(core, actor.user.id, mediaIds, existing);
  }
  const recipientOnline = await deps.online.isOnline(recipientKey, recipient.id);
  const { conversation, created } = await refusing(
    () =>
      core.openProductChat({ ...pair, productId: payload.productId, create: true, createdBy: actor.user.id, metadata: chatMetadataOf(payload) }),
    WORDING,
  );
  const metadata: MessageMetadata = { recipientOnline };
  const { message } = await refusing(
    () =>
      core.storeMessage({ conversationId: conversation.id, senderId: actor.user.id, text: payload.text, mediaIds, metadata: { ...metadata } }),
    // The core names its own input (`mediaIds`); the client sent `messageMedias`.
    { ...WORDING, fields: { mediaIds: 'messageMedias' } },
  );
  cache.set(payload.productId, payload.recipientId, { id: conversation.id, counterpart: { userId: recipient.id, key: recipientKey } });

  const stored = ok(null, [wireMessage(message, actor.user, false, deps.mediaUrl)]);
  if (!created) {
    ctx.emit('receiveMessage', stored, [{ user: actor.key }, { user: recipientKey }]);
    return;
  }
  const room = conversationRoom(conversation.id);
  ctx.namespace.in(userRoom(actor.key)).socketsJoin(room);
  if (recipientOnline) {
    ctx.namespace.in(userRoom(recipientKey)).socketsJoin(room);
    const details = await refusing(() => core.getConversation(actor.user.id, conversation.id), WORDING);
    ctx.emit('newChat', ok(wireChat(details, [message], deps.mediaUrl), {}), { user: recipientKey });
  }
  ctx.emit('receiveMessage', stored, 'actor');
}

/** The id of the chat the message goes to, or null when this message will create it. */
async function findChat(deps: SendDeps, actor: Actor, payload: T.SendMessagePayload, cache: ChatLookupCache): Promise<string | null> {
  try {
    return (await chatByProduct(deps.core, actor, payload.productId, payload.recipientId, cache)).id;
  } catch (error) {
    if (error instanceof ProtocolError && error.kind === 'notFound') return null;
    throw error;
  }
}
