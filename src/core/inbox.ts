/**
 * A user's conversation list ("inbox"): most recently active first, paginated, each with its
 * participants, last message and the user's unread count — in three queries whatever the page
 * size (page with unread counts, participants, latest messages), never one per conversation.
 */
import type { Database } from '../storage/database.js';
import { fromDbCount, fromDbTime, toDbTime } from '../storage/values.js';
import { participantsOf } from './conversations.js';
import { invalidPayload } from './errors.js';
import { clampLimit, PAGES } from './limits.js';
import { latestMessagesOf } from './messages.js';
import { toConversation } from './rows.js';
import type { ConversationSummary, Page } from './types.js';

export interface InboxOptions {
  /** Conversations per page (default 50, clamped to 1,000). */
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string | null;
  /** Also embed each conversation's latest messages, newest first (default 0, at most 50). */
  recentMessages?: number;
}

/** The position after which the next page starts: (last activity, conversation id). */
interface Cursor {
  at: string;
  id: string;
}

/** Encodes a cursor; opaque to callers, so its form can change. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; anything else is `invalidPayload`. */
export function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      const at = new Date(parsed[0]);
      if (!Number.isNaN(at.getTime())) return { at: toDbTime(at), id: parsed[1] };
    }
  } catch {
    // Falls through to the error below.
  }
  throw invalidPayload('cursor', 'is not a cursor returned by a previous page');
}

export class Inbox {
  constructor(private readonly database: Database) {}

  /**
   * A page of the user's conversations, most recently active first (last message, else
   * creation). Served by `participants_user_activity_idx` as one index range per page.
   *
   * @example
   * const first = await inbox.list(ada.id, { limit: 20, recentMessages: 1 });
   * const second = await inbox.list(ada.id, { limit: 20, cursor: first.nextCursor });
   */
  async list(userId: string, options: InboxOptions = {}): Promise<Page<ConversationSummary>> {
    const limit = clampLimit(options.limit, PAGES.conversations);
    const recent = clampLimit(options.recentMessages, PAGES.recentMessages, 'recentMessages');
    const after = options.cursor === undefined || options.cursor === null ? undefined : decodeCursor(options.cursor);

    return this.database.read(async (db) => {
      let query = db
        .selectFrom('participants as p')
        .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
        .selectAll('c')
        .select((eb) => [
          'p.last_activity_at',
          eb
            .selectFrom('messages as m')
            .select(eb.fn.countAll().as('n'))
            .whereRef('m.conversation_id', '=', 'p.conversation_id')
            .whereRef('m.seq', '>', 'p.read_seq')
            .whereRef('m.sender_id', '<>', 'p.user_id')
            .where('m.deleted_at', 'is', null)
            .as('unread'),
        ])
        .where('p.user_id', '=', userId);
      if (after !== undefined) {
        query = query.where((eb) =>
          eb.or([
            eb('p.last_activity_at', '<', after.at),
            eb.and([eb('p.last_activity_at', '=', after.at), eb('p.conversation_id', '<', after.id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('p.last_activity_at', 'desc')
        .orderBy('p.conversation_id', 'desc')
        .limit(limit + 1)
        .execute();

      const page = rows.slice(0, limit);
      const ids = page.map((r) => r.id);
      const participants = await participantsOf(db, ids);
      const latest = await latestMessagesOf(db, ids, Math.max(recent, 1));
      const items = page.map((row): ConversationSummary => {
        const { last_activity_at: _activity, unread, ...conversation } = row;
        const messages = latest.get(row.id) ?? [];
        return {
          conversation: toConversation(conversation),
          participants: participants.get(row.id) ?? [],
          lastMessage: messages[0] ?? null,
          unread: fromDbCount(unread),
          recentMessages: messages.slice(0, recent),
        };
      });
      const last = page.at(-1);
      const nextCursor =
        rows.length > limit && last !== undefined ? encodeCursor({ at: toDbTime(fromDbTime(last.last_activity_at)), id: last.id }) : null;
      return { items, nextCursor };
    });
  }
}
