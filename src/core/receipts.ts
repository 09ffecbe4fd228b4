/**
 * Read and delivery state. Each participant has two watermarks, `read_seq` and
 * `delivered_seq`: every message at or below them is read (delivered). A watermark only moves
 * forward. Unread, for a user in a conversation, is a message above their `read_seq` that they
 * did not send and that is not deleted: counted on an index that holds exactly those columns
 * (`messages_live_idx`), so no per-message receipt rows are written or read.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Schema } from '../storage/schema.js';
import { fromDbCount } from '../storage/values.js';
import { requireParticipant } from './access.js';
import { notFound } from './errors.js';
import { clampLimit, PAGES } from './limits.js';
import { toMessage } from './rows.js';
import type { Message } from './types.js';

export interface MarkReadResult {
  /** The user's read watermark after the call. */
  readSeq: number;
  /** Whether it moved (false when everything asked for was already read). */
  advanced: boolean;
}

export interface MarkDeliveredResult {
  /** Users whose messages to this user were pending and are now delivered, each once. */
  senders: string[];
  /** The conversations in which someone else's messages became delivered. */
  conversationIds: string[];
}

export class Receipts {
  constructor(private readonly database: Database) {}

  /**
   * Marks the conversation read for the user: all of it, or up to and including the message
   * `upTo` (which must be in this conversation). Reading implies delivery, so the delivery
   * watermark follows.
   *
   * @example
   * await receipts.markRead(grace.id, conversationId);                    // everything
   * await receipts.markRead(grace.id, conversationId, { upTo: message.id }); // up to one message
   */
  async markRead(userId: string, conversationId: string, options: { upTo?: string } = {}): Promise<MarkReadResult> {
    return this.database.transact(async (trx) => {
      const membership = await requireParticipant(trx, conversationId, userId);
      let target = Number(membership.conversation.last_seq);
      if (options.upTo !== undefined) {
        const message = await trx
          .selectFrom('messages')
          .select('seq')
          .where('id', '=', options.upTo)
          .where('conversation_id', '=', conversationId)
          .executeTakeFirst();
        if (message === undefined) throw notFound('Message', options.upTo);
        target = Number(message.seq);
      }
      if (target <= membership.readSeq) return { readSeq: membership.readSeq, advanced: false };
      await trx
        .updateTable('participants')
        .set((eb) => ({
          read_seq: target,
          delivered_seq: eb.case().when('delivered_seq', '<', target).then(target).else(eb.ref('delivered_seq')).end(),
        }))
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('read_seq', '<', target)
        .execute();
      return { readSeq: target, advanced: true };
    });
  }

  /**
   * On connect: every message waiting for the user becomes delivered. Returns who sent them
   * (messenger's `deliveredMessage` goes to each). Three statements, however many
   * conversations are pending.
   */
  async markDelivered(userId: string): Promise<MarkDeliveredResult> {
    return this.database.transact(async (trx) => {
      const pending = await trx
        .selectFrom('participants as p')
        .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
        .select(['p.conversation_id', 'p.delivered_seq', 'c.last_seq'])
        .where('p.user_id', '=', userId)
        .whereRef('p.delivered_seq', '<', 'c.last_seq')
        // PostgreSQL: hold these rows so a concurrent mark cannot report the same senders twice.
        .$if(this.database.dialect === 'postgres', (qb) => qb.forUpdate(['p']))
        .execute();
      if (pending.length === 0) return { senders: [], conversationIds: [] };
      const ids = pending.map((p) => p.conversation_id);

      // Senders of the messages between each watermark and the last seq seen above; a message
      // committed after that read stays pending (it is not reported, and not marked).
      const senders = await trx
        .selectFrom('messages as m')
        .innerJoin('participants as p', (join) => join.onRef('p.conversation_id', '=', 'm.conversation_id').on('p.user_id', '=', userId))
        .select(['m.conversation_id', 'm.sender_id'])
        .distinct()
        .where('m.conversation_id', 'in', ids)
        .whereRef('m.seq', '>', 'p.delivered_seq')
        .where((eb) =>
          eb.or(pending.map((p) => eb.and([eb('m.conversation_id', '=', p.conversation_id), eb('m.seq', '<=', Number(p.last_seq))]))),
        )
        .where('m.sender_id', '<>', userId)
        .where('m.deleted_at', 'is', null)
        .execute();

      await trx
        .updateTable('participants')
        .set((eb) => {
          // One statement for every conversation: each gets the last seq read above.
          const [first, ...rest] = pending as [(typeof pending)[number], ...typeof pending];
          let target = eb.case('conversation_id').when(first.conversation_id).then(Number(first.last_seq));
          for (const p of rest) target = target.when(p.conversation_id).then(Number(p.last_seq));
          return { delivered_seq: target.else(eb.ref('delivered_seq')).end() };
        })
        .where('user_id', '=', userId)
        .where('conversation_id', 'in', ids)
        .execute();
      // Every pending watermark moved (the user's own messages count as delivered to them), but
      // only conversations with someone else's messages are reported.
      return {
        senders: [...new Set(senders.map((s) => s.sender_id))].sort(),
        conversationIds: [...new Set(senders.map((s) => s.conversation_id))].sort(),
      };
    });
  }

  /** The user's unread count in one conversation (a participant only). */
  async unreadCount(userId: string, conversationId: string): Promise<number> {
    return this.database.read(async (db) => {
      await requireParticipant(db, conversationId, userId);
      const counts = await unreadCountsOf(db, userId, [conversationId]);
      return counts.get(conversationId) ?? 0;
    });
  }

  /** The user's unread counts in several conversations, in one query (0 for the others). */
  async unreadCounts(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await this.database.read((db) => unreadCountsOf(db, userId, conversationIds));
    return new Map(conversationIds.map((id) => [id, counts.get(id) ?? 0]));
  }

  /** The user's unread messages over all their conversations. */
  async unreadTotal(userId: string): Promise<number> {
    const totals = await this.unreadTotals([userId]);
    return totals.get(userId) ?? 0;
  }

  /** Several users' unread totals in one query (a message's recipients, for their badges). */
  async unreadTotals(userIds: readonly string[]): Promise<Map<string, number>> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return new Map();
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants as p')
        .innerJoin('messages as m', (join) => join.on(unreadJoin))
        .select(['p.user_id', (eb) => eb.fn.countAll().as('n')])
        .where('p.user_id', 'in', unique)
        .groupBy('p.user_id')
        .execute(),
    );
    const totals = new Map(unique.map((id) => [id, 0]));
    for (const row of rows) totals.set(row.user_id, fromDbCount(row.n));
    return totals;
  }

  /**
   * The user's unread messages across conversations, newest first, at most `limit` (default
   * 100, clamped to 200): marketplace's `offlineMessages`.
   */
  async unreadMessages(userId: string, options: { limit?: number } = {}): Promise<Message[]> {
    const limit = clampLimit(options.limit, PAGES.offline);
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants as p')
        .innerJoin('messages as m', (join) => join.on(unreadJoin))
        .selectAll('m')
        .where('p.user_id', '=', userId)
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(toMessage);
  }
}

/** The join condition of a participant `p` to the messages `m` unread by them. */
function unreadJoin(eb: ExpressionBuilder<{ p: Schema['participants']; m: Schema['messages'] }, 'p' | 'm'>) {
  return eb.and([
    eb('m.conversation_id', '=', eb.ref('p.conversation_id')),
    eb('m.seq', '>', eb.ref('p.read_seq')),
    eb('m.sender_id', '<>', eb.ref('p.user_id')),
    eb('m.deleted_at', 'is', null),
  ]);
}

/** Unread counts of one user in the given conversations (absent when 0), in one query. */
export async function unreadCountsOf(db: Kysely<Schema>, userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('participants as p')
    .innerJoin('messages as m', (join) => join.on(unreadJoin))
    .select(['p.conversation_id', (eb) => eb.fn.countAll().as('n')])
    .where('p.user_id', '=', userId)
    .where('p.conversation_id', 'in', [...conversationIds])
    .groupBy('p.conversation_id')
    .execute();
  return new Map(rows.map((r) => [r.conversation_id, fromDbCount(r.n)]));
}
