/**
 * Kysely table types: the one description of the stored shape that every query is checked
 * against. docs/storage.md explains each table and index.
 *
 * Two dialects share these types, so the column types are what both can carry:
 * - timestamps are written as ISO-8601 strings (`Date#toISOString`, always 24 characters, so
 *   they also sort correctly as text in SQLite); PostgreSQL stores them as `timestamptz` and
 *   reads them back as `Date`, SQLite as the string. `fromDbTime` (values.ts) evens that out.
 * - JSON is written as a string; PostgreSQL (`jsonb`) reads it back parsed, SQLite as text.
 * - there are no boolean columns (SQLite has none): a message is pinned when `pinned_at` is set.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A stored instant: written as an ISO string, read as a `Date` (PostgreSQL) or the string (SQLite). */
export type Timestamp = ColumnType<Date | string, string, string>;
/** A stored JSON document: written as a string, read parsed (PostgreSQL) or as text (SQLite). */
export type Json = ColumnType<unknown, string, string>;
/** A JSON column with a default, so inserts may leave it out. */
export type JsonWithDefault = ColumnType<unknown, string | undefined, string>;

export interface UsersTable {
  id: string;
  realm: string;
  external_id: string;
  name: string | null;
  email: string | null;
  picture: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationsTable {
  id: string;
  kind: 'direct' | 'group' | 'product';
  /** Unique identity of a direct or product conversation; null for groups. */
  key: string | null;
  name: string | null;
  image: string | null;
  metadata: JsonWithDefault;
  created_by: string | null;
  created_at: Timestamp;
  last_message_at: Timestamp | null;
  /** The seq of the newest message; the next message takes `last_seq + 1`. */
  last_seq: Generated<number>;
}

export interface ParticipantsTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'member';
  joined_at: Timestamp;
  read_seq: Generated<number>;
  delivered_seq: Generated<number>;
  /** Copy of the conversation's last activity, so a user's inbox is one index range. */
  last_activity_at: Timestamp;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  kind: string;
  text: string | null;
  client_id: string | null;
  reply_to: string | null;
  media: JsonWithDefault;
  metadata: JsonWithDefault;
  created_at: Timestamp;
  edited_at: Timestamp | null;
  deleted_at: Timestamp | null;
  pinned_at: Timestamp | null;
  pinned_by: string | null;
}

export interface MediaTable {
  id: string;
  owner_id: string;
  conversation_id: string | null;
  mime_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: Timestamp;
}

/** Every table of the chat store. */
export interface Schema {
  users: UsersTable;
  conversations: ConversationsTable;
  participants: ParticipantsTable;
  messages: MessagesTable;
  media: MediaTable;
}

export type UserRow = Selectable<UsersTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MediaRow = Selectable<MediaTable>;
export type NewMessageRow = Insertable<MessagesTable>;
