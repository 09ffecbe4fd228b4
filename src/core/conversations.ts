/**
 * Conversations and their participants: finding "the pair's conversation" or "the product chat
 * of this customer and vendor" by key (created at most once, even when two first messages race),
 * creating groups, and the lookups the lifecycle emits need (a user's conversations, their
 * counterparts, their co-participants).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { Schema } from '../storage/schema.js';
import { toDbTime } from '../storage/values.js';
import { requireParticipant } from './access.js';
import { ChatError, invalidPayload, invalidRequest, notFound } from './errors.js';
import { newId } from './ids.js';
import { clampLimit, LIMITS, PAGES } from './limits.js';
import { toConversation, toParticipant, toUser } from './rows.js';
import type { Conversation, ConversationDetails, ParticipantRole, ParticipantView } from './types.js';
import { optionalText, requireJsonObject, requireText } from './validate.js';

/** A conversation found by its participants, and whether this call created it. */
export interface OpenedConversation {
  conversation: Conversation;
  created: boolean;
}

export interface OpenKeyedInput {
  kind: 'direct' | 'product';
  /** The two users, in any order. */
  participantIds: readonly [string, string] | readonly string[];
  /** What else identifies it (product chats: `[productId]`). */
  scope?: readonly string[];
  /** Create it when it does not exist yet (a first message); else `notFound`. */
  create?: boolean;
  /** When created: who created it. */
  createdBy?: string;
  /** When created: its name, image and metadata (marketplace's product and store fields). */
  name?: string | null;
  image?: string | null;
  metadata?: Record<string, unknown>;
}

export interface CreateGroupInput {
  creatorId: string;
  name: string;
  /** The other members; the creator is added, duplicates are removed. */
  memberIds: readonly string[];
  image?: string | null;
  metadata?: Record<string, unknown>;
  /** A client-chosen id (teamchat's `createGroup._id`); one is generated without it. */
  id?: string;
}

/** Ids a client may choose for a conversation: the protocols' `Id` pattern. */
const CHOSEN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The unique key of a direct or product conversation: its kind, its two users sorted (order
 * does not matter) and its scope. Internal user ids are hex, so `:` cannot occur in them;
 * scope values are percent-encoded so that one cannot either.
 *
 * @example
 * conversationKey('product', [vendor.id, customer.id], ['12345']) // 'product:<id>:<id>:12345'
 */
export function conversationKey(kind: 'direct' | 'product', userIds: readonly string[], scope: readonly string[] = []): string {
  return [kind, ...[...userIds].sort(), ...scope.map((s) => encodeURIComponent(s))].join(':');
}

export class Conversations {
  constructor(private readonly database: Database) {}

  /**
   * The direct or product conversation of two users (and scope), created when `create` is set
   * and it does not exist. Concurrent calls for the same pair create it once: the insert is
   * `ON CONFLICT (key) DO NOTHING`, and the loser reads the winner's row.
   *
   * @example
   * const { conversation, created } = await conversations.openKeyed({ kind: 'direct', participantIds: [ada.id, grace.id], create: true });
   */
  async openKeyed(input: OpenKeyedInput, now: Date = new Date()): Promise<OpenedConversation> {
    const ids = [...input.participantIds];
    if (ids.length !== 2) throw invalidPayload('participantIds', 'must name exactly two users');
    const [a, b] = ids as [string, string];
    if (a === b) throw invalidRequest('A conversation needs two different users (no messaging oneself)', 'participantIds');
    const scope = [...(input.scope ?? [])].map((s, i) => requireText(`scope.${i}`, s, LIMITS.id));
    if (input.kind === 'product' && scope.length === 0) throw invalidPayload('scope', 'must name the product');
    const key = conversationKey(input.kind, ids, scope);

    const existing = await this.database.read((db) => db.selectFrom('conversations').selectAll().where('key', '=', key).executeTakeFirst());
    if (existing !== undefined) return { conversation: toConversation(existing), created: false };
    if (input.create !== true) throw keyedNotFound(input.kind);

    const name = optionalText('name', input.name, LIMITS.name);
    const image = optionalText('image', input.image, LIMITS.url);
    const metadata = requireJsonObject('metadata', input.metadata ?? {}, LIMITS.metadata);
    const at = toDbTime(now);
    return this.database.transact(async (trx) => {
      await requireUsers(trx, ids);
      const inserted = await trx
        .insertInto('conversations')
        .values({ id: newId(now), kind: input.kind, key, name, image, metadata, created_by: input.createdBy ?? null, created_at: at })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted === undefined) {
        // Someone else created it since our read; in PostgreSQL the insert waited for their
        // commit, so this read sees their row and its participants.
        const winner = await trx.selectFrom('conversations').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
        return { conversation: toConversation(winner), created: false };
      }
      await trx
        .insertInto('participants')
        .values(
          ids.map((userId) => ({
            conversation_id: inserted.id,
            user_id: userId,
            role: 'member' as const,
            joined_at: at,
            last_activity_at: at,
          })),
        )
        .execute();
      return { conversation: toConversation(inserted), created: true };
    });
  }

  /**
   * Creates a group of the creator (role `owner`) and the members. With a chosen `id` that is
   * already taken: `invalidRequest`.
   */
  async createGroup(input: CreateGroupInput, now: Date = new Date()): Promise<ConversationDetails> {
    const name = requireText('name', input.name, LIMITS.name);
    const image = optionalText('image', input.image, LIMITS.url);
    const metadata = requireJsonObject('metadata', input.metadata ?? {}, LIMITS.metadata);
    if (input.id !== undefined && !CHOSEN_ID.test(input.id)) throw invalidPayload('id', 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
    const members = [...new Set([input.creatorId, ...input.memberIds])];
    if (members.length > LIMITS.groupMembers)
      throw invalidPayload('memberIds', `must have at most ${LIMITS.groupMembers - 1} other members`);
    const id = input.id ?? newId(now);
    const at = toDbTime(now);
    const taken = () => invalidRequest(`Conversation id ${id} is already in use`, 'id');
    try {
      await this.database.transact(async (trx) => {
        await requireUsers(trx, members);
        if (input.id !== undefined) {
          const existing = await trx.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst();
          if (existing !== undefined) throw taken();
        }
        await trx
          .insertInto('conversations')
          .values({ id, kind: 'group', key: null, name, image, metadata, created_by: input.creatorId, created_at: at })
          .execute();
        await trx
          .insertInto('participants')
          .values(
            members.map((userId) => ({
              conversation_id: id,
              user_id: userId,
              role: (userId === input.creatorId ? 'owner' : 'member') as ParticipantRole,
              joined_at: at,
              last_activity_at: at,
            })),
          )
          .execute();
      });
    } catch (error) {
      // Two creates with the same chosen id raced past the check: the primary key decides.
      if (isUniqueViolation(error)) throw taken();
      throw error;
    }
    return this.details(input.creatorId, id);
  }

  /** The conversation, for a participant (`notFound`, `forbidden` otherwise). */
  async get(userId: string, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.database.read((db) => requireParticipant(db, conversationId, userId));
    return toConversation(conversation);
  }

  /** The conversation with its participants' profiles, for a participant. */
  async details(userId: string, conversationId: string): Promise<ConversationDetails> {
    return this.database.read(async (db) => {
      const { conversation } = await requireParticipant(db, conversationId, userId);
      const participants = await participantsOf(db, [conversationId]);
      return { conversation: toConversation(conversation), participants: participants.get(conversationId) ?? [] };
    });
  }

  /** The ids of a conversation's participants (no authorization: for fan-out by the server). */
  async participantIds(conversationId: string): Promise<string[]> {
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants')
        .select('user_id')
        .where('conversation_id', '=', conversationId)
        .orderBy('joined_at')
        .orderBy('user_id')
        .execute(),
    );
    return rows.map((r) => r.user_id);
  }

  /** The ids of a user's conversations, most recently active first (to join their rooms). */
  async idsOf(userId: string, options: { limit?: number } = {}): Promise<string[]> {
    const limit = clampLimit(options.limit, PAGES.related);
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants')
        .select('conversation_id')
        .where('user_id', '=', userId)
        .orderBy('last_activity_at', 'desc')
        .orderBy('conversation_id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => r.conversation_id);
  }

  /**
   * For each conversation of the user, each other participant: what the `counterparts`
   * recipient of a lifecycle emit iterates over (one emit per pair).
   */
  async counterparts(userId: string, options: { limit?: number } = {}): Promise<Array<{ conversationId: string; userId: string }>> {
    const limit = clampLimit(options.limit, PAGES.related);
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants as mine')
        .innerJoin('participants as other', 'other.conversation_id', 'mine.conversation_id')
        .select(['other.conversation_id', 'other.user_id'])
        .where('mine.user_id', '=', userId)
        .where('other.user_id', '<>', userId)
        .orderBy('mine.last_activity_at', 'desc')
        .orderBy('other.conversation_id', 'desc')
        .orderBy('other.user_id')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, userId: r.user_id }));
  }

  /** Every other user who shares a conversation with the user, each once. */
  async coParticipants(userId: string, options: { limit?: number } = {}): Promise<string[]> {
    const limit = clampLimit(options.limit, PAGES.related);
    const rows = await this.database.read((db) =>
      db
        .selectFrom('participants as mine')
        .innerJoin('participants as other', 'other.conversation_id', 'mine.conversation_id')
        .select('other.user_id')
        .distinct()
        .where('mine.user_id', '=', userId)
        .where('other.user_id', '<>', userId)
        .orderBy('other.user_id')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => r.user_id);
  }
}

/** `notFound` for a keyed conversation that does not exist and may not be created. */
function keyedNotFound(kind: 'direct' | 'product') {
  return new ChatError(
    'notFound',
    kind === 'direct' ? 'No direct conversation between these users' : 'No product conversation between these users',
  );
}

/** `notFound` naming the first of `userIds` that is not a user. */
async function requireUsers(db: Kysely<Schema>, userIds: readonly string[]): Promise<void> {
  const found = await db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', [...userIds])
    .execute();
  const known = new Set(found.map((r) => r.id));
  const missing = userIds.find((id) => !known.has(id));
  if (missing !== undefined) throw notFound('User', missing);
}

/**
 * The participants, with profiles, of several conversations in one query: by conversation,
 * in joining order.
 */
export async function participantsOf(db: Kysely<Schema>, conversationIds: readonly string[]): Promise<Map<string, ParticipantView[]>> {
  const result = new Map<string, ParticipantView[]>();
  if (conversationIds.length === 0) return result;
  const rows = await db
    .selectFrom('participants as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select([
      'p.conversation_id',
      'p.user_id',
      'p.role',
      'p.joined_at',
      'p.read_seq',
      'p.delivered_seq',
      'u.id',
      'u.realm',
      'u.external_id',
      'u.name',
      'u.email',
      'u.picture',
      'u.created_at',
      'u.updated_at',
    ])
    .where('p.conversation_id', 'in', [...conversationIds])
    .orderBy('p.conversation_id')
    .orderBy('p.joined_at')
    .orderBy('p.user_id')
    .execute();
  for (const row of rows) {
    const view: ParticipantView = { ...toParticipant(row), user: toUser(row) };
    const list = result.get(row.conversation_id);
    if (list === undefined) result.set(row.conversation_id, [view]);
    else list.push(view);
  }
  return result;
}
