/**
 * Authorization checks shared by every operation, run inside the operation's own query or
 * transaction so that what was checked is what is then changed.
 *
 * The order follows CONVENTIONS.md §3.2: the conversation must exist (notFound), the actor
 * must be in it (forbidden); a named message must be in that conversation (notFound) and, for
 * edits and deletes, be the actor's (forbidden).
 */
import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/dialect.js';
import type { ConversationRow, MessageRow, Schema } from '../storage/schema.js';
import { forbidden, notFound } from './errors.js';

/** A conversation row, with the acting user's read and delivery state in it. */
export interface Membership {
  conversation: ConversationRow;
  readSeq: number;
  deliveredSeq: number;
}

/**
 * The conversation, checked to exist and to have `userId` as a participant, in one query.
 *
 * @param lock PostgreSQL: lock the conversation row until the transaction ends (the message
 *   store serializes its seq allocation on it). SQLite needs no row lock: its transactions
 *   already hold the database's write lock.
 */
export async function requireParticipant(
  db: Kysely<Schema>,
  conversationId: string,
  userId: string,
  options: { lock?: { dialect: Dialect } } = {},
): Promise<Membership> {
  const row = await db
    .selectFrom('conversations as c')
    .leftJoin('participants as p', (join) => join.onRef('p.conversation_id', '=', 'c.id').on('p.user_id', '=', userId))
    .selectAll('c')
    .select(['p.user_id as member_id', 'p.read_seq as member_read_seq', 'p.delivered_seq as member_delivered_seq'])
    .where('c.id', '=', conversationId)
    .$if(options.lock?.dialect === 'postgres', (qb) => qb.forUpdate(['c']))
    .executeTakeFirst();
  if (row === undefined) throw notFound('Conversation', conversationId);
  if (row.member_id === null) throw forbidden(`Not a participant of conversation ${conversationId}`);
  const { member_id: _id, member_read_seq, member_delivered_seq, ...conversation } = row;
  return { conversation, readSeq: Number(member_read_seq ?? 0), deliveredSeq: Number(member_delivered_seq ?? 0) };
}

/**
 * A message the user may act on: it exists (and is in `conversationId`, when the request named
 * a conversation), and the user is a participant of its conversation.
 */
export async function requireMessageAccess(
  db: Kysely<Schema>,
  messageId: string,
  userId: string,
  conversationId?: string,
): Promise<{ message: MessageRow; membership: Membership }> {
  if (conversationId !== undefined) {
    // The conversation is checked first, so a stranger learns nothing about its messages.
    const membership = await requireParticipant(db, conversationId, userId);
    const message = await db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (message === undefined) throw notFound('Message', messageId);
    return { message, membership };
  }
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (message === undefined) throw notFound('Message', messageId);
  const membership = await requireParticipant(db, message.conversation_id, userId);
  return { message, membership };
}

/** `forbidden` unless `userId` sent the message. */
export function requireSender(message: MessageRow, userId: string): void {
  if (message.sender_id !== userId) throw forbidden(`Only the sender may change message ${message.id}`);
}
