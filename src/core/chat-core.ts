/**
 * The chat core: one object a protocol adapter holds, whatever the protocol. It knows users,
 * conversations, messages, receipts, presence and media; it knows nothing of wire formats or
 * Socket.IO. Every refusal is a `ChatError` whose `kind` is the conventions' error vocabulary.
 *
 * Users are named by their internal id (`User.id`) everywhere; adapters resolve wire ids with
 * `upsertUser` (the connected user, from the token) and `ensureUsers` (ids inside requests).
 *
 * Adapters call only the methods below: the services behind them are private, so that every
 * operation is counted in flight and `close()` waits for all of them.
 */
import { openDatabase, type Database, type OpenDatabaseOptions } from '../storage/database.js';
import { InFlight } from '../storage/in-flight.js';
import { Conversations, type CreateGroupInput, type OpenedConversation } from './conversations.js';
import { Inbox, type InboxOptions } from './inbox.js';
import { MediaFiles, readMediaRecords, type StoreMediaInput } from './media.js';
import type { MediaStore } from './media-store.js';
import {
  Messages,
  type HistoryOptions,
  type HistoryPage,
  type MessageChange,
  type StoreMessageInput,
  type StoreMessageResult,
} from './messages.js';
import { MemoryPresenceStore, type PresenceStore } from './presence.js';
import { Receipts, type MarkDeliveredResult, type MarkReadResult } from './receipts.js';
import type { ConversationDetails, ConversationSummary, Media, Message, Page, Realm, User, UserProfile } from './types.js';
import { Users } from './users.js';
import type { Dialect } from '../storage/dialect.js';

export interface ChatCoreOptions {
  /** Who is online (default: in this process's memory). */
  presence?: PresenceStore;
  /** Where media bytes go; without one, `storeMedia` and `openMedia` throw. */
  mediaStore?: MediaStore;
}

/** `storeMedia`/`openMedia` were called on a core built without a media store. */
export class MediaStoreMissingError extends Error {
  override readonly name = 'MediaStoreMissingError';
  constructor() {
    super('This ChatCore has no media store: pass `mediaStore` to ChatCore.open');
  }
}

export class ChatCore {
  readonly #presence: PresenceStore;
  readonly #users: Users;
  readonly #conversations: Conversations;
  readonly #messages: Messages;
  readonly #receipts: Receipts;
  readonly #inbox: Inbox;
  readonly #media: MediaFiles | undefined;
  readonly #inFlight = new InFlight();
  #closed: Promise<void> | undefined;

  /**
   * Opens the database at `url` (migrating it) and builds a core on it.
   *
   * @example
   * const core = await ChatCore.open('sqlite:./data/parley.db', { mediaStore: new LocalMediaStore('./data/media') });
   */
  static async open(url: string, options: ChatCoreOptions & OpenDatabaseOptions = {}): Promise<ChatCore> {
    return new ChatCore(await openDatabase(url, options), options);
  }

  constructor(
    /** The store, for tests and tools that inspect it; adapters use the operations below. */
    readonly database: Database,
    options: ChatCoreOptions = {},
  ) {
    this.#presence = options.presence ?? new MemoryPresenceStore();
    this.#users = new Users(database);
    this.#conversations = new Conversations(database);
    this.#messages = new Messages(database);
    this.#receipts = new Receipts(database);
    this.#inbox = new Inbox(database);
    this.#media = options.mediaStore === undefined ? undefined : new MediaFiles(database, options.mediaStore);
  }

  // Users

  /** Creates the user or refreshes their profile from token claims (undefined keeps, null clears). */
  upsertUser(profile: UserProfile): Promise<User> {
    return this.#op(() => this.#users.upsert(profile));
  }

  /** The users of a realm with these external ids, created bare if never seen; by external id. */
  ensureUsers(realm: Realm, externalIds: readonly string[]): Promise<Map<string, User>> {
    return this.#op(() => this.#users.ensure(realm, externalIds));
  }

  /** The user of a realm with this external id, or null. */
  findUser(realm: Realm, externalId: string): Promise<User | null> {
    return this.#op(() => this.#users.find(realm, externalId));
  }

  /** Users by internal id (unknown ids are left out): profiles for payloads. */
  getUsers(ids: readonly string[]): Promise<Map<string, User>> {
    return this.#op(() => this.#users.getMany(ids));
  }

  // Presence

  /** Counts a connected socket of the user; true when it is their first (they just came online). */
  socketConnected(userId: string, socketId: string): Promise<boolean> {
    return this.#op(() => this.#presence.add(userId, socketId));
  }

  /** Uncounts a socket; true when it was the user's last (they just went offline). */
  socketDisconnected(userId: string, socketId: string): Promise<boolean> {
    return this.#op(() => this.#presence.remove(userId, socketId));
  }

  /** Whether the user has a socket connected, on any server node. */
  isOnline(userId: string): Promise<boolean> {
    return this.#op(() => this.#presence.isOnline(userId));
  }

  /** Those of the users who are online now. */
  onlineAmong(userIds: Iterable<string>): Promise<Set<string>> {
    return this.#op(() => this.#presence.onlineAmong(userIds));
  }

  // Conversations

  /**
   * The direct conversation of two users; created (at most once, even under concurrent first
   * messages) when `create` is set. Messaging oneself is `invalidRequest`.
   */
  openDirect(userA: string, userB: string, options: { create?: boolean } = {}): Promise<OpenedConversation> {
    return this.#op(() =>
      this.#conversations.openKeyed({ kind: 'direct', participantIds: [userA, userB], create: options.create ?? false, createdBy: userA }),
    );
  }

  /**
   * The chat of a customer and a vendor about a product; created when `create` is set, with
   * `metadata` (product and store fields) and `createdBy` (who sent the first message).
   */
  openProductChat(input: {
    customerId: string;
    vendorId: string;
    productId: string;
    create?: boolean;
    createdBy?: string;
    metadata?: Record<string, unknown>;
  }): Promise<OpenedConversation> {
    return this.#op(() =>
      this.#conversations.openKeyed({
        kind: 'product',
        participantIds: [input.customerId, input.vendorId],
        scope: [input.productId],
        create: input.create ?? false,
        createdBy: input.createdBy ?? input.customerId,
        metadata: input.metadata ?? {},
      }),
    );
  }

  /** Creates a group of the creator and members (`invalidRequest` if a chosen id is taken). */
  createGroup(input: CreateGroupInput): Promise<ConversationDetails> {
    return this.#op(() => this.#conversations.createGroup(input));
  }

  /** A conversation with its participants, for a participant (`notFound`, `forbidden`). */
  getConversation(userId: string, conversationId: string): Promise<ConversationDetails> {
    return this.#op(() => this.#conversations.details(userId, conversationId));
  }

  /** The user's conversations by last activity, paginated, with participants, last message and unread count. */
  listConversations(userId: string, options: InboxOptions = {}): Promise<Page<ConversationSummary>> {
    return this.#op(() => this.#inbox.list(userId, options));
  }

  /** The ids of a conversation's participants (no authorization: for the server's fan-out). */
  participantIds(conversationId: string): Promise<string[]> {
    return this.#op(() => this.#conversations.participantIds(conversationId));
  }

  /** The ids of the user's conversations, most recently active first (to join their rooms). */
  conversationIdsOf(userId: string): Promise<string[]> {
    return this.#op(() => this.#conversations.idsOf(userId));
  }

  /** Each (conversation, other participant) of the user: the `counterparts` of lifecycle emits. */
  counterparts(userId: string): Promise<Array<{ conversationId: string; userId: string }>> {
    return this.#op(() => this.#conversations.counterparts(userId));
  }

  /** Those of the user's co-participants who are online now (rooms' `online_status`). */
  onlineCoParticipants(userId: string): Promise<string[]> {
    return this.#op(async () => {
      const others = await this.#conversations.coParticipants(userId);
      const online = await this.#presence.onlineAmong(others);
      return others.filter((id) => online.has(id));
    });
  }

  // Messages

  /**
   * Stores a message; resolves after the commit. Recipients online at this moment have it
   * delivered at once (`deliveredTo`); the others get it on their next connect
   * (`markDelivered`). A repeated `clientId` returns the stored message with `duplicate: true`.
   *
   * @example
   * const { message, duplicate, recipients } = await core.storeMessage({ conversationId, senderId: ada.id, text: 'Hi', clientId: 'c-1' });
   */
  storeMessage(input: Omit<StoreMessageInput, 'deliveredTo'>): Promise<StoreMessageResult> {
    return this.#op(async () => {
      // Presence is read before the transaction: a network round trip (Redis) must not run
      // while the conversation is locked.
      const participants = await this.#conversations.participantIds(input.conversationId);
      const online = await this.#presence.onlineAmong(participants.filter((id) => id !== input.senderId));
      return this.#messages.store({ ...input, deliveredTo: [...online] });
    });
  }

  /** A page of a conversation's history, newest first (≤ 200), for a participant. */
  history(userId: string, conversationId: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    return this.#op(() => this.#messages.history(userId, conversationId, options));
  }

  /** The message the sender stored earlier in the conversation with this client id, or null (no authorization: for retries). */
  findMessageByClientId(conversationId: string, senderId: string, clientId: string): Promise<Message | null> {
    return this.#op(() => this.#messages.findByClientId(conversationId, senderId, clientId));
  }

  /** One message, for a participant (in `conversationId` when given, else `notFound`). */
  getMessage(userId: string, messageId: string, conversationId?: string): Promise<Message> {
    return this.#op(() => this.#messages.get(userId, messageId, conversationId));
  }

  /** Edits a message's text: its sender only (`forbidden`), not once deleted (`invalidRequest`). */
  editMessage(input: { userId: string; messageId: string; text: string; conversationId?: string }): Promise<Message> {
    return this.#op(() => this.#messages.edit(input));
  }

  /** Deletes a message (content cleared, row kept): its sender only. */
  deleteMessage(input: { userId: string; messageId: string; conversationId?: string }): Promise<MessageChange> {
    return this.#op(() => this.#messages.delete(input));
  }

  /** Pins or unpins a message: any participant. */
  pinMessage(input: { userId: string; messageId: string; pinned: boolean; conversationId?: string }): Promise<MessageChange> {
    return this.#op(() => this.#messages.pin(input));
  }

  /** A conversation's pinned messages, oldest pin first (≤ 100). */
  pinnedMessages(userId: string, conversationId: string): Promise<Message[]> {
    return this.#op(() => this.#messages.pinned(userId, conversationId));
  }

  // Receipts

  /** Marks the conversation read for the user, entirely or up to a message. */
  markRead(userId: string, conversationId: string, options: { upTo?: string } = {}): Promise<MarkReadResult> {
    return this.#op(() => this.#receipts.markRead(userId, conversationId, options));
  }

  /** On connect: pending messages to the user become delivered; returns their senders. */
  markDelivered(userId: string): Promise<MarkDeliveredResult> {
    return this.#op(() => this.#receipts.markDelivered(userId));
  }

  /** The user's unread count in a conversation. */
  unreadCount(userId: string, conversationId: string): Promise<number> {
    return this.#op(() => this.#receipts.unreadCount(userId, conversationId));
  }

  /** The user's unread counts in several conversations, in one query (0 where none). */
  unreadCounts(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    return this.#op(() => this.#receipts.unreadCounts(userId, conversationIds));
  }

  /** The user's unread total over all conversations. */
  unreadTotal(userId: string): Promise<number> {
    return this.#op(() => this.#receipts.unreadTotal(userId));
  }

  /** Several users' unread totals, in one query. */
  unreadTotals(userIds: readonly string[]): Promise<Map<string, number>> {
    return this.#op(() => this.#receipts.unreadTotals(userIds));
  }

  /** The user's unread messages across conversations, newest first (≤ 200): marketplace's offline messages. */
  unreadMessages(userId: string, options: { limit?: number } = {}): Promise<Message[]> {
    return this.#op(() => this.#receipts.unreadMessages(userId, options));
  }

  // Media

  /** Checks (size, sniffed type) and stores a file, and records it. */
  storeMedia(input: StoreMediaInput): Promise<Media> {
    return this.#op(() => this.#requireMedia().store(input));
  }

  /** A file's record and bytes, for its owner or a participant of the conversation it was sent in. */
  openMedia(userId: string, mediaId: string): Promise<{ media: Media; bytes: Uint8Array }> {
    return this.#op(() => this.#requireMedia().open(userId, mediaId));
  }

  /**
   * The records of stored files, by id (unknown ids are left out): who uploaded each and where
   * it was sent, without the bytes and without authorization, for checks made before a write.
   */
  mediaRecords(mediaIds: readonly string[]): Promise<Map<string, Media>> {
    return this.#op(() => this.database.read((db) => readMediaRecords(db, mediaIds)));
  }

  /** Which database the core is on (`sqlite`, `postgres`): for health reports. */
  get dialect(): Dialect {
    return this.database.dialect;
  }

  /**
   * Finishes the writes in flight (each resolves as usual), refuses new ones, and closes the
   * database and the presence store.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // Operations span several queries (presence, then the store): wait for whole operations,
      // not only for the queries the database sees in flight at this instant.
      await this.#inFlight.drained();
      await this.database.close();
      await this.#presence.close?.();
    })();
    return this.#closed;
  }

  /** Runs a public operation, counted in flight so that `close()` waits for it. */
  #op<T>(run: () => Promise<T>): Promise<T> {
    return this.#inFlight.track(this.#closed !== undefined, run);
  }

  #requireMedia(): MediaFiles {
    if (this.#media === undefined) throw new MediaStoreMissingError();
    return this.#media;
  }
}
