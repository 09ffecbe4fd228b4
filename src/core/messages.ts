/**
 * Messages: the durable, idempotent store (seq allocated in the insert's transaction), the
 * paginated history, and the sender-only edit and delete, and pinning.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { MessageRow, Schema } from '../storage/schema.js';
import { toDbJson, toDbTime } from '../storage/values.js';
import { requireMessageAccess, requireParticipant, requireSender } from './access.js';
import { forbidden, invalidPayload, invalidRequest, notFound } from './errors.js';
import { newId } from './ids.js';
import { clampLimit, LIMITS, PAGES } from './limits.js';
import { toMessage } from './rows.js';
import type { MediaItem, Message } from './types.js';
import { optionalText, requireId, requireJsonArray, requireJsonObject, requireSeq, requireText } from './validate.js';

export interface StoreMessageInput {
  conversationId: string;
  senderId: string;
  /** The text; null or absent for a media-only message. */
  text?: string | null;
  /** Default: 'text', or 'media' when there is no text. */
  kind?: string;
  /** The sender's idempotency key: a second store with it returns the first message. */
  clientId?: string | null;
  replyTo?: string | null;
  /** Attachments the protocol describes itself (kept as given). */
  media?: MediaItem[];
  /** Files stored through the core (`storeMedia`), by id; the sender must own them. */
  mediaIds?: readonly string[];
  metadata?: Record<string, unknown>;
  /**
   * Recipients known to be online now: their delivery state covers this message at once
   * (CONVENTIONS.md §3.3, storeMessage). Others stay pending until they connect.
   */
  deliveredTo?: readonly string[];
}

export interface StoreMessageResult {
  message: Message;
  /** True when `clientId` had been stored already: nothing new was stored. */
  duplicate: boolean;
  /** The other participants, who should get the message. */
  recipients: string[];
  /** The recipients whose delivery state covers the message. */
  deliveredTo: string[];
}

export interface HistoryOptions {
  /** At most this many (default 50, clamped to 200). */
  limit?: number;
  /** Only messages older than this seq (the previous page's `nextBeforeSeq`). */
  beforeSeq?: number;
  /** Include deleted messages (their content is empty). Default false. */
  includeDeleted?: boolean;
}

/** A page of history, newest first. */
export interface HistoryPage {
  items: Message[];
  /** Pass as `beforeSeq` for the next (older) page; null when there is none. */
  nextBeforeSeq: number | null;
}

/** A change to a message, and whether it changed anything (pinning a pinned one does not). */
export interface MessageChange {
  message: Message;
  changed: boolean;
}

export class Messages {
  constructor(private readonly database: Database) {}

  /**
   * Stores a message and resolves only after the commit, so an acknowledgement sent after it
   * never promises a message a crash could lose.
   *
   * In one transaction: lock the conversation (PostgreSQL: its row; SQLite: the write lock),
   * check the sender is a participant, look for an earlier message with the same `clientId`
   * (found: return it, `duplicate: true`), take `last_seq + 1`, insert, and move the
   * participants' last activity and the online recipients' delivery state.
   *
   * SQLite: stores arriving together share one transaction and one commit (group commit,
   * `Database.transactGrouped`), each in its own savepoint, in call order; a failing store
   * rejects alone.
   *
   * @example
   * const { message, duplicate } = await messages.store({ conversationId, senderId: ada.id, text: 'Hi', clientId: 'c-1' });
   */
  async store(input: StoreMessageInput, now: Date = new Date()): Promise<StoreMessageResult> {
    // An empty text is a text (teamchat's document sends `""`); null means none (a media message).
    const text = input.text === '' ? '' : optionalText('text', input.text, LIMITS.text);
    const clientId = input.clientId === undefined || input.clientId === null ? null : requireId('clientId', input.clientId);
    const replyTo = input.replyTo === undefined || input.replyTo === null ? null : requireId('replyTo', input.replyTo);
    const media = input.media ?? [];
    requireJsonArray('media', media, LIMITS.mediaItems, LIMITS.media);
    const mediaIds = [...new Set((input.mediaIds ?? []).map((id, i) => requireId(`mediaIds.${i}`, id)))];
    if (media.length + mediaIds.length > LIMITS.mediaItems) throw invalidPayload('media', `must have at most ${LIMITS.mediaItems} items`);
    if (text === null && media.length === 0 && mediaIds.length === 0) throw invalidPayload('text', 'is required when there is no media');
    const kind = input.kind === undefined ? (text === null ? 'media' : 'text') : requireText('kind', input.kind, LIMITS.kind);
    const metadata = requireJsonObject('metadata', input.metadata ?? {}, LIMITS.metadata);
    const online = new Set(input.deliveredTo ?? []);

    try {
      return await this.database.transactGrouped(async (trx) => {
        await requireParticipant(trx, input.conversationId, input.senderId, { lock: { dialect: this.database.dialect } });
        const participants = await trx
          .selectFrom('participants')
          .select(['user_id', 'delivered_seq'])
          .where('conversation_id', '=', input.conversationId)
          .execute();
        const recipients = participants.filter((p) => p.user_id !== input.senderId);

        if (clientId !== null) {
          const existing = await findByClientId(trx, input.conversationId, input.senderId, clientId);
          if (existing !== undefined) return duplicateResult(existing, recipients);
        }

        const stored = await attachMedia(trx, mediaIds, input.senderId, input.conversationId);
        const at = toDbTime(now);
        const { last_seq: seq } = await trx
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_message_at: at }))
          .where('id', '=', input.conversationId)
          .returning('last_seq')
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('messages')
          .values({
            id: newId(now),
            conversation_id: input.conversationId,
            seq,
            sender_id: input.senderId,
            kind,
            text,
            client_id: clientId,
            reply_to: replyTo,
            media: toDbJson([...stored, ...media]),
            metadata,
            created_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.updateTable('participants').set({ last_activity_at: at }).where('conversation_id', '=', input.conversationId).execute();
        const delivered = recipients.filter((r) => online.has(r.user_id)).map((r) => r.user_id);
        if (delivered.length > 0) {
          await trx
            .updateTable('participants')
            .set({ delivered_seq: seq })
            .where('conversation_id', '=', input.conversationId)
            .where('user_id', 'in', delivered)
            .where('delivered_seq', '<', seq)
            .execute();
        }
        return { message: toMessage(row), duplicate: false, recipients: recipients.map((r) => r.user_id), deliveredTo: delivered };
      });
    } catch (error) {
      // The check above runs under the conversation's lock, so this is a second line of
      // defence: whatever let two stores of one client id race, the unique index decided.
      if (clientId === null || !isUniqueViolation(error)) throw error;
      return this.database.read(async (db) => {
        const existing = await findByClientId(db, input.conversationId, input.senderId, clientId);
        if (existing === undefined) throw error;
        const recipients = await db
          .selectFrom('participants')
          .select(['user_id', 'delivered_seq'])
          .where('conversation_id', '=', input.conversationId)
          .where('user_id', '<>', input.senderId)
          .execute();
        return duplicateResult(existing, recipients);
      });
    }
  }

  /** The message stored earlier with this client id by this sender, if any (no authorization). */
  async findByClientId(conversationId: string, senderId: string, clientId: string): Promise<Message | null> {
    const row = await this.database.read((db) => findByClientId(db, conversationId, senderId, clientId));
    return row === undefined ? null : toMessage(row);
  }

  /** One message, for a participant of its conversation. */
  async get(userId: string, messageId: string, conversationId?: string): Promise<Message> {
    const { message } = await this.database.read((db) => requireMessageAccess(db, messageId, userId, conversationId));
    return toMessage(message);
  }

  /**
   * A page of a conversation's history, newest first, for a participant. Never more than 200
   * messages: older ones are reached with `beforeSeq`.
   *
   * @example
   * let page = await messages.history(ada.id, conversationId, { limit: 50 });
   * while (page.nextBeforeSeq !== null) page = await messages.history(ada.id, conversationId, { beforeSeq: page.nextBeforeSeq });
   */
  async history(userId: string, conversationId: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const limit = clampLimit(options.limit, PAGES.messages);
    const beforeSeq = options.beforeSeq === undefined ? undefined : requireSeq('beforeSeq', options.beforeSeq);
    const rows = await this.database.read(async (db) => {
      await requireParticipant(db, conversationId, userId);
      let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
      if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
      if (options.includeDeleted !== true) query = query.where('deleted_at', 'is', null);
      return query
        .orderBy('seq', 'desc')
        .limit(limit + 1)
        .execute();
    });
    const items = rows.slice(0, limit).map(toMessage);
    const last = items.at(-1);
    return { items, nextBeforeSeq: rows.length > limit && last !== undefined ? last.seq : null };
  }

  /** Replaces a message's text and keeps the edit time. Only its sender may; not once deleted. */
  async edit(
    input: { userId: string; messageId: string; text: string; conversationId?: string },
    now: Date = new Date(),
  ): Promise<Message> {
    const text = requireText('text', input.text, LIMITS.text);
    return this.database.transact(async (trx) => {
      const { message } = await requireMessageAccess(trx, input.messageId, input.userId, input.conversationId);
      requireSender(message, input.userId);
      if (message.deleted_at !== null) throw invalidRequest(`Message ${message.id} was deleted`);
      const row = await trx
        .updateTable('messages')
        .set({ text, edited_at: toDbTime(now) })
        .where('id', '=', message.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toMessage(row);
    });
  }

  /**
   * Deletes a message: its content (text, media, metadata, reply) is cleared and it is
   * unpinned, but the row, id and seq stay, so receipts and read marks remain consistent.
   * Only its sender may. Deleting a deleted message changes nothing.
   */
  async delete(input: { userId: string; messageId: string; conversationId?: string }, now: Date = new Date()): Promise<MessageChange> {
    return this.database.transact(async (trx) => {
      const { message } = await requireMessageAccess(trx, input.messageId, input.userId, input.conversationId);
      requireSender(message, input.userId);
      if (message.deleted_at !== null) return { message: toMessage(message), changed: false };
      const row = await trx
        .updateTable('messages')
        .set({ text: null, media: '[]', metadata: '{}', reply_to: null, deleted_at: toDbTime(now), pinned_at: null, pinned_by: null })
        .where('id', '=', message.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { message: toMessage(row), changed: true };
    });
  }

  /**
   * Pins or unpins a message. Any participant may (teamchat's decision). Pinning a pinned
   * message keeps its first pin time, so the pinned list's order is stable.
   */
  async pin(
    input: { userId: string; messageId: string; pinned: boolean; conversationId?: string },
    now: Date = new Date(),
  ): Promise<MessageChange> {
    return this.database.transact(async (trx) => {
      const { message } = await requireMessageAccess(trx, input.messageId, input.userId, input.conversationId);
      const isPinned = message.pinned_at !== null;
      if (isPinned === input.pinned) return { message: toMessage(message), changed: false };
      if (input.pinned && message.deleted_at !== null) throw invalidRequest(`Message ${message.id} was deleted`);
      const row = await trx
        .updateTable('messages')
        .set(input.pinned ? { pinned_at: toDbTime(now), pinned_by: input.userId } : { pinned_at: null, pinned_by: null })
        .where('id', '=', message.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { message: toMessage(row), changed: true };
    });
  }

  /** A conversation's pinned messages, oldest pin first (at most 100), for a participant. */
  async pinned(userId: string, conversationId: string, options: { limit?: number } = {}): Promise<Message[]> {
    const limit = clampLimit(options.limit, PAGES.pinned);
    const rows = await this.database.read(async (db) => {
      await requireParticipant(db, conversationId, userId);
      return db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('pinned_at', 'is not', null)
        .orderBy('pinned_at')
        .orderBy('seq')
        .limit(limit)
        .execute();
    });
    return rows.map(toMessage);
  }
}

function findByClientId(db: Kysely<Schema>, conversationId: string, senderId: string, clientId: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('sender_id', '=', senderId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

function duplicateResult(row: MessageRow, recipients: ReadonlyArray<{ user_id: string; delivered_seq: number }>): StoreMessageResult {
  return {
    message: toMessage(row),
    duplicate: true,
    recipients: recipients.map((r) => r.user_id),
    deliveredTo: recipients.filter((r) => Number(r.delivered_seq) >= Number(row.seq)).map((r) => r.user_id),
  };
}

/**
 * Checks that the sender owns the stored files and that they were not sent in another
 * conversation, records the conversation on them (which is what lets its participants fetch
 * them), and returns their media-list entries, in the order given.
 */
async function attachMedia(
  db: Kysely<Schema>,
  mediaIds: readonly string[],
  senderId: string,
  conversationId: string,
): Promise<MediaItem[]> {
  if (mediaIds.length === 0) return [];
  const rows = await db
    .selectFrom('media')
    .selectAll()
    .where('id', 'in', [...mediaIds])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items: MediaItem[] = [];
  for (const id of mediaIds) {
    const row = byId.get(id);
    if (row === undefined) throw notFound('Media', id);
    if (row.owner_id !== senderId) throw forbidden(`Media ${id} belongs to another user`);
    if (row.conversation_id !== null && row.conversation_id !== conversationId)
      throw invalidRequest(`Media ${id} was sent in another conversation`, 'mediaIds');
    items.push({ id: row.id, mimeType: row.mime_type, size: Number(row.size), sha256: row.sha256 });
  }
  await db
    .updateTable('media')
    .set({ conversation_id: conversationId })
    .where('id', 'in', [...mediaIds])
    .where('conversation_id', 'is', null)
    .execute();
  return items;
}

/**
 * The latest `perConversation` live messages of each conversation, newest first, in one query:
 * a first pass finds each conversation's floor seq (an index probe of at most
 * `perConversation` entries), the join then reads only the rows above it. A window function
 * over the messages would have to read each conversation's whole history.
 */
export async function latestMessagesOf(
  db: Kysely<Schema>,
  conversationIds: readonly string[],
  perConversation: number,
): Promise<Map<string, Message[]>> {
  const result = new Map<string, Message[]>();
  if (conversationIds.length === 0 || perConversation <= 0) return result;
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('conversations as c')
        .select((inner) => [
          'c.id as cid',
          inner
            .selectFrom('messages as f')
            .select('f.seq')
            .whereRef('f.conversation_id', '=', 'c.id')
            .where('f.deleted_at', 'is', null)
            .orderBy('f.seq', 'desc')
            .limit(1)
            .offset(perConversation - 1)
            .as('floor'),
        ])
        .where('c.id', 'in', [...conversationIds])
        .as('t'),
    )
    .innerJoin('messages as m', (join) =>
      join.onRef('m.conversation_id', '=', 't.cid').on((eb) => eb('m.seq', '>=', eb.fn.coalesce('t.floor', eb.lit(0)))),
    )
    .selectAll('m')
    .where('m.deleted_at', 'is', null)
    .orderBy('m.conversation_id')
    .orderBy('m.seq', 'desc')
    .execute();
  for (const row of rows) {
    const list = result.get(row.conversation_id);
    if (list === undefined) result.set(row.conversation_id, [toMessage(row)]);
    else list.push(toMessage(row));
  }
  return result;
}
