/**
 * The core's domain types: what adapters read. They carry no wire names; each protocol adapter
 * maps them to its payloads (`_id`, `chatId`, `room_id`, …).
 */

/** Realms: the protocol a user belongs to, and for marketplace the role as well. */
export type Realm = string;

/** A person, as known to one realm. */
export interface User {
  /** Internal id (24 hex); what every other table and the presence store refer to. */
  id: string;
  realm: Realm;
  /** The id on the wire (marketplace's numeric ids are kept as their decimal string). */
  externalId: string;
  name: string | null;
  email: string | null;
  picture: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Profile fields from a token; `undefined` keeps the stored value, `null` clears it. */
export interface UserProfile {
  realm: Realm;
  externalId: string;
  name?: string | null;
  email?: string | null;
  picture?: string | null;
}

export type ConversationKind = 'direct' | 'group' | 'product';
export type ParticipantRole = 'owner' | 'member';

export interface Conversation {
  id: string;
  kind: ConversationKind;
  /** The unique key of a direct or product conversation; null for groups. */
  key: string | null;
  name: string | null;
  image: string | null;
  /** Protocol extras (marketplace: productId, productName, storeName, …). */
  metadata: Record<string, unknown>;
  createdBy: string | null;
  createdAt: Date;
  lastMessageAt: Date | null;
  /** The seq of the newest message (0 when there is none). */
  lastSeq: number;
}

export interface Participant {
  conversationId: string;
  userId: string;
  role: ParticipantRole;
  joinedAt: Date;
  /** Every message with `seq <= readSeq` has been read by this participant. */
  readSeq: number;
  /** Every message with `seq <= deliveredSeq` has reached one of this participant's devices. */
  deliveredSeq: number;
}

/** A participant with their profile. */
export interface ParticipantView extends Participant {
  user: User;
}

/** A conversation with its members. */
export interface ConversationDetails {
  conversation: Conversation;
  participants: ParticipantView[];
}

/**
 * An entry of a message's media list. Either a file stored through the core (`id`, `mimeType`,
 * `size`, `sha256`) or a protocol's own attachment object (teamchat's `{url, mimeType, size,
 * name}`), kept as given.
 */
export type MediaItem = Record<string, unknown>;

export interface Message {
  id: string;
  conversationId: string;
  /** Position in the conversation: strictly increasing, allocated at commit. */
  seq: number;
  senderId: string;
  /** 'text', 'media', or a protocol's own kind. */
  kind: string;
  /** Null for a media message without text, and once deleted. */
  text: string | null;
  /** The sender's idempotency key, when they gave one. */
  clientId: string | null;
  replyTo: string | null;
  media: MediaItem[];
  metadata: Record<string, unknown>;
  createdAt: Date;
  editedAt: Date | null;
  /** Set when deleted: the content is gone, the id and seq remain. */
  deletedAt: Date | null;
  pinned: boolean;
  pinnedAt: Date | null;
  pinnedBy: string | null;
}

/** A stored file's record (the bytes are in a `MediaStore`). */
export interface Media {
  id: string;
  ownerId: string;
  /** The conversation it was sent in, once attached to a message. */
  conversationId: string | null;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
}

/** One entry of a user's conversation list. */
export interface ConversationSummary extends ConversationDetails {
  /** The newest message that is not deleted, if any. */
  lastMessage: Message | null;
  /** Messages the listing user has not read (not theirs, not deleted). */
  unread: number;
  /** The latest messages, newest first, when asked for (`recentMessages`). */
  recentMessages: Message[];
}

/** A page of results and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
