/**
 * Stored rows to domain objects. The only place that knows column names on the way out.
 */
import type { ConversationRow, MediaRow, MessageRow, ParticipantRow, UserRow } from '../storage/schema.js';
import { fromDbJson, fromDbTime, fromDbTimeOrNull } from '../storage/values.js';
import type { Conversation, Media, MediaItem, Message, Participant, User } from './types.js';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    realm: row.realm,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    picture: row.picture,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    name: row.name,
    image: row.image,
    metadata: asObject(fromDbJson(row.metadata)),
    createdBy: row.created_by,
    createdAt: fromDbTime(row.created_at),
    lastMessageAt: fromDbTimeOrNull(row.last_message_at),
    lastSeq: Number(row.last_seq),
  };
}

export function toParticipant(
  row: Pick<ParticipantRow, 'conversation_id' | 'user_id' | 'role' | 'joined_at' | 'read_seq' | 'delivered_seq'>,
): Participant {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    role: row.role,
    joinedAt: fromDbTime(row.joined_at),
    readSeq: Number(row.read_seq),
    deliveredSeq: Number(row.delivered_seq),
  };
}

export function toMessage(row: MessageRow): Message {
  const media = fromDbJson(row.media);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    kind: row.kind,
    text: row.text,
    clientId: row.client_id,
    replyTo: row.reply_to,
    media: Array.isArray(media) ? (media as MediaItem[]) : [],
    metadata: asObject(fromDbJson(row.metadata)),
    createdAt: fromDbTime(row.created_at),
    editedAt: fromDbTimeOrNull(row.edited_at),
    deletedAt: fromDbTimeOrNull(row.deleted_at),
    pinned: row.pinned_at !== null,
    pinnedAt: fromDbTimeOrNull(row.pinned_at),
    pinnedBy: row.pinned_by,
  };
}

export function toMedia(row: MediaRow): Media {
  return {
    id: row.id,
    ownerId: row.owner_id,
    conversationId: row.conversation_id,
    mimeType: row.mime_type,
    size: Number(row.size),
    sha256: row.sha256,
    storageKey: row.storage_key,
    createdAt: fromDbTime(row.created_at),
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
