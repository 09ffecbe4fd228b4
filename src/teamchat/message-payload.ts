/**
 * A teamchat message between the wire and the core: what the core stores for a request
 * (`sendMessage`, `sendNewMessage.message`), and the `Message` payload built back from what was
 * stored. Payloads are built from the stored message, not echoed from the request, so a retried
 * `sendNewMessage` repeats exactly the emits of the first one.
 */
import { ProtocolError } from '../../generated/teamchat/server.js';
import type { Attachment, Message as WireMessage, MessageType, ReplyMessage } from '../../generated/teamchat/types.js';
import { LIMITS, type Message, type StoreMessageInput } from '../core/index.js';
import { attachmentsOf } from './attachments.js';
import type { RoomMembers } from './room-members.js';

/** The message fields `sendMessage` and `sendNewMessage.message` share. */
export interface Draft {
  message: string;
  isStoryReply?: boolean;
  reply_message?: ReplyMessage;
  message_type?: MessageType;
  attachments?: Attachment[];
  first_name?: string;
  last_name?: string;
}

/** Teamchat's fields kept in a message's metadata (the core has no columns for them). */
interface StoredFields {
  /** Only when the request sent `""` (which means text; the kind column says `text`). */
  message_type?: '';
  isStoryReply?: boolean;
  reply_message?: ReplyMessage;
  first_name?: string;
  last_name?: string;
}

const MESSAGE_TYPES: readonly string[] = ['text', 'image', 'video', 'audio', 'file'];

/**
 * The message type a request leaves out: `text`, or what its first attachment is.
 *
 * @example
 * impliedType([{ url: 'https://cdn.example/a.mp4', mimeType: 'video/mp4' }]) // 'video'
 */
export function impliedType(attachments: readonly Attachment[]): Exclude<MessageType, ''> {
  const first = attachments[0];
  if (first === undefined) return 'text';
  const major = first.mimeType.split('/')[0];
  return major === 'image' || major === 'video' || major === 'audio' ? major : 'file';
}

/**
 * What the core stores for a draft, with `mediaIds` the server's own uploads among its
 * attachments (linked to the room by the store).
 * An empty text (`""`, the document's own `sendNewMessage` example) is stored as empty text,
 * or as no text when attachments carry the message.
 */
export function toStoreInput(
  draft: Draft,
  mediaIds: readonly string[],
): Pick<StoreMessageInput, 'text' | 'kind' | 'media' | 'mediaIds' | 'metadata' | 'replyTo'> {
  const attachments = draft.attachments ?? [];
  const fields: StoredFields = {};
  if (draft.message_type === '') fields.message_type = '';
  if (draft.isStoryReply !== undefined) fields.isStoryReply = draft.isStoryReply;
  if (draft.reply_message !== undefined) fields.reply_message = draft.reply_message;
  if (draft.first_name !== undefined) fields.first_name = draft.first_name;
  if (draft.last_name !== undefined) fields.last_name = draft.last_name;
  const text: string | null = draft.message === '' && (attachments.length > 0 || mediaIds.length > 0) ? null : draft.message;
  if (JSON.stringify(fields).length > LIMITS.metadata) {
    throw new ProtocolError(
      'invalidPayload',
      `reply_message is too large to store: the quote and the names must be at most ${LIMITS.metadata} characters as JSON`,
      'reply_message',
    );
  }
  return {
    text,
    kind: draft.message_type ? draft.message_type : draft.message_type === '' ? 'text' : impliedType(attachments),
    media: attachments.map((a) => ({ ...a })),
    mediaIds,
    metadata: fields as Record<string, unknown>,
    replyTo: draft.reply_message?._id ?? null,
  };
}

/**
 * The `Message` payload of a stored message in its room: `recipients` are the other members,
 * each `msg_seen` when their read watermark covers the message (`readSeqs`, by core user id;
 * absent for a message just stored, which nobody has read).
 */
export function toWireMessage(stored: Message, room: RoomMembers, readSeqs?: ReadonlyMap<string, number>): WireMessage {
  const fields = stored.metadata as StoredFields;
  const sender = room.members.find((m) => m.id === stored.senderId);
  if (sender === undefined) throw new Error(`the sender of message ${stored.id} is not a member of room ${room.roomId}`);
  const payload: WireMessage = {
    _id: stored.id,
    room_id: room.roomId,
    message: stored.text ?? '',
    recipients: room.members
      .filter((m) => m.id !== stored.senderId)
      .map((m) => ({ _id: m.externalId, msg_seen: (readSeqs?.get(m.id) ?? 0) >= stored.seq })),
    message_type: fields.message_type === '' ? '' : MESSAGE_TYPES.includes(stored.kind) ? (stored.kind as MessageType) : 'text',
    attachments: attachmentsOf(stored.media),
    sender_id: sender.externalId,
    dateCreated: stored.createdAt.toISOString(),
  };
  if (fields.isStoryReply !== undefined) payload.isStoryReply = fields.isStoryReply;
  if (fields.reply_message !== undefined) payload.reply_message = fields.reply_message;
  if (fields.first_name !== undefined) payload.first_name = fields.first_name;
  if (fields.last_name !== undefined) payload.last_name = fields.last_name;
  if (stored.editedAt !== null) payload.dateEdited = stored.editedAt.toISOString();
  return payload;
}
