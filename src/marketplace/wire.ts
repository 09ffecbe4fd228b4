/**
 * The core's objects as marketplace payloads: the `{statusCode, error, message, data}` envelope,
 * chats, messages and media. Pure functions: what they need (the participants, the link of a
 * media file) is passed in.
 */
import type { ConversationDetails, MediaItem, Message, ParticipantView, User } from '../core/index.js';
import type * as T from '../../generated/marketplace/types.js';
import type { Wording } from '../server/refusals.js';
import { roleOfRealm, wireUserId } from './identity.js';

/** Where a stored media file is served (`<server>/media/<id>`). */
export type MediaUrl = (mediaId: string) => string;

/**
 * How core refusals reach marketplace clients (as `appError`): a call names the request field at
 * fault when the core's own name means nothing to the client; otherwise the core's name is kept,
 * since marketplace's payloads share it (`text`).
 */
export const WORDING: Wording = { unmapped: 'keep' };

/** The envelope of every successful server event. */
export function ok<M, D>(message: M, data: D): { statusCode: 200; error: false; message: M; data: D } {
  return { statusCode: 200, error: false, message, data };
}

/** What a message remembers beyond the core's fields. */
export interface MessageMetadata {
  /** Whether the recipient was online (in `/presence`) when the message was stored. */
  recipientOnline: boolean;
}

/** A media file attached through the core, as the spec's `Media`; null for anything else. */
export function wireMedia(item: MediaItem, mediaUrl: MediaUrl): T.Media | null {
  const { id, mimeType, size } = item;
  if (typeof id !== 'string' || typeof mimeType !== 'string' || typeof size !== 'number') return null;
  return { id, imageUrl: mediaUrl(id), size: String(size), mimeType };
}

/**
 * A stored message as the spec's `Message`.
 *
 * @param read whether its recipient has read it
 */
export function wireMessage(message: Message, sender: User, read: boolean, mediaUrl: MediaUrl): T.Message {
  const senderRole = roleOfRealm(sender.realm);
  if (senderRole === 'admin') throw new Error(`message ${message.id} was sent by an admin`);
  return {
    id: message.id,
    senderId: wireUserId(sender),
    text: message.text,
    timestamp: message.createdAt.toISOString(),
    read,
    recipientOnline: message.metadata['recipientOnline'] === true,
    chatId: message.conversationId,
    senderType: senderRole === 'customer' ? 'CUSTOMER' : 'VENDOR',
    messageMedias: message.media.map((item) => wireMedia(item, mediaUrl)).filter((m): m is T.Media => m !== null),
  };
}

/** The customer and the vendor of a product chat. */
export interface ChatParties {
  readonly customer: ParticipantView;
  readonly vendor: ParticipantView;
}

/** Finds the customer and the vendor among a product chat's participants. */
export function partiesOf(details: ConversationDetails): ChatParties {
  const find = (role: 'customer' | 'vendor') => {
    const found = details.participants.find((p) => roleOfRealm(p.user.realm) === role);
    if (found === undefined) throw new Error(`chat ${details.conversation.id} has no ${role}`);
    return found;
  };
  return { customer: find('customer'), vendor: find('vendor') };
}

/** A message of a chat, `read` by the other party's read watermark. */
export function wireChatMessage(message: Message, parties: ChatParties, mediaUrl: MediaUrl): T.Message {
  const fromCustomer = message.senderId === parties.customer.userId;
  const sender = fromCustomer ? parties.customer : parties.vendor;
  const recipient = fromCustomer ? parties.vendor : parties.customer;
  return wireMessage(message, sender.user, recipient.readSeq >= message.seq, mediaUrl);
}

/**
 * The product and store fields a first message gives its chat. Decision of the spec: a field
 * left out is stored empty (`""`, or null for the two pictures).
 */
export function chatMetadataOf(request: T.SendMessagePayload): Record<string, unknown> {
  return {
    productId: request.productId,
    productName: request.productName ?? '',
    productPrice: request.productPrice ?? '',
    productImageUrl: request.productImageUrl ?? '',
    storeName: request.storeName ?? '',
    storeLogoUrl: request.storeLogoUrl ?? null,
    customerName: request.customerName ?? '',
    customerProfilePic: request.customerProfilePic ?? null,
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const nullableText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * A product chat as the spec's `Chat`, with `messages` (newest first, at most a page) mapped in.
 */
export function wireChat(details: ConversationDetails, messages: readonly Message[], mediaUrl: MediaUrl): T.Chat {
  const { conversation } = details;
  const parties = partiesOf(details);
  const meta = conversation.metadata;
  const chat: T.Chat = {
    id: conversation.id,
    productId: text(meta['productId']),
    vendorId: wireUserId(parties.vendor.user),
    customerId: wireUserId(parties.customer.user),
    productImageUrl: text(meta['productImageUrl']),
    productPrice: text(meta['productPrice']),
    productName: text(meta['productName']),
    storeLogoUrl: nullableText(meta['storeLogoUrl']),
    customerProfilePic: nullableText(meta['customerProfilePic']),
    customerName: text(meta['customerName']),
    storeName: text(meta['storeName']),
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: (conversation.lastMessageAt ?? conversation.createdAt).toISOString(),
    messages: messages.map((m) => wireChatMessage(m, parties, mediaUrl)),
  };
  if (conversation.lastMessageAt !== null) chat.lastMessageAt = conversation.lastMessageAt.toISOString();
  return chat;
}
