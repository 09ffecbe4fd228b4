/**
 * What the mock remembers during its life: users (and their profiles), conversations, messages,
 * who has read what, pins, and the objects it sent about them. In memory only; `reset` forgets
 * everything. Every lookup the hot path makes is indexed.
 */

export type UserKey = string;
export type ConversationKind = 'direct' | 'group' | 'product';

export interface Profile {
  name?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  picture?: string;
}

export interface UserRecord {
  /** The user key: the id, or `role:id` where the protocol has roles. */
  readonly key: UserKey;
  /** The id as the protocol writes it (a string, or a number where ids are integers). */
  readonly id: string | number;
  readonly role?: string;
  profile: Profile;
  /** A fake peer invented by the mock (fill, chatter), not a connected client. */
  readonly fake: boolean;
  /** Whether the user's lists were filled with fake conversations already. */
  filled: boolean;
}

export interface ConversationRecord {
  readonly id: string;
  readonly kind: ConversationKind;
  readonly participants: UserKey[];
  readonly scope: readonly unknown[];
  name?: string;
  image?: string;
  creator?: UserKey;
  readonly createdAt: number;
  updatedAt: number;
  /** Message ids, oldest first. */
  readonly messages: string[];
  /** Pinned message ids, oldest pin first. */
  readonly pinned: string[];
  readonly fake: boolean;
  historyFilled: boolean;
  /** The fields of the request that created it (carried into the objects that show it). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The last object sent about it, per schema. */
  readonly snapshots: Map<string, Record<string, unknown>>;
}

export interface MessageRecord {
  readonly id: string;
  readonly conversationId: string;
  readonly sender: UserKey;
  text?: string;
  readonly kind?: unknown;
  readonly media?: unknown;
  readonly mediaUrl?: string;
  readonly clientId?: unknown;
  readonly replyTo?: unknown;
  readonly createdAt: number;
  editedAt?: number;
  deleted: boolean;
  pinned: boolean;
  /** Who has read it (a shared empty set until someone has: most messages never are). */
  readBy: ReadonlySet<UserKey>;
  /** Recipients it was not delivered to yet (they were offline). */
  pending: ReadonlySet<UserKey>;
  /** Whether every recipient was online when it was stored. */
  readonly onlineAtStore: boolean;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface NewConversation {
  id: string;
  kind: ConversationKind;
  participants: readonly UserKey[];
  scope?: readonly unknown[];
  name?: string;
  image?: string;
  creator?: UserKey;
  createdAt: number;
  fake?: boolean;
  attrs?: Record<string, unknown>;
}

export interface NewMessage {
  id: string;
  conversation: ConversationRecord;
  sender: UserKey;
  text?: string;
  kind?: unknown;
  media?: unknown;
  mediaUrl?: string;
  clientId?: unknown;
  replyTo?: unknown;
  createdAt: number;
  /** Whether a user is online now (their message is then delivered, else pending). */
  online: (key: UserKey) => boolean;
  /** Recipients who have read it already (fake history). */
  readBy?: readonly UserKey[];
  attrs?: Record<string, unknown>;
}

/** The set of nobody, shared: messages keep no set of their own until they need one. */
const NOBODY: ReadonlySet<UserKey> = new Set();

function participantsKey(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[]): string {
  let users: string;
  const [a, b] = participants;
  // Two people, the usual case, without sorting a copy.
  if (participants.length === 2 && a !== undefined && b !== undefined && a !== b) users = a < b ? `${a}\u0001${b}` : `${b}\u0001${a}`;
  else users = [...new Set(participants)].sort().join('\u0001');
  return `${kind}\u0000${users}\u0000${scope.length ? JSON.stringify(scope) : ''}`;
}

export class Store {
  readonly users = new Map<UserKey, UserRecord>();
  readonly conversations = new Map<string, ConversationRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly media = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  private readonly byParticipants = new Map<string, string>();
  private readonly byUser = new Map<UserKey, Set<string>>();
  /** Unread message ids per user, per conversation. */
  private readonly unread = new Map<UserKey, Map<string, Set<string>>>();
  private readonly clientIds = new Map<string, string>();

  /** The user of a key, created with `id` when unknown. */
  ensureUser(key: UserKey, id: string | number, options: { role?: string; fake?: boolean; profile?: Profile } = {}): UserRecord {
    let user = this.users.get(key);
    if (!user) {
      user = { key, id, role: options.role, profile: { ...options.profile }, fake: options.fake ?? false, filled: false };
      this.users.set(key, user);
    }
    return user;
  }

  /** The conversation of a kind between exactly these users (order does not matter), with this scope. */
  findConversation(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[] = []): ConversationRecord | undefined {
    const id = this.byParticipants.get(participantsKey(kind, participants, scope));
    return id === undefined ? undefined : this.conversations.get(id);
  }

  createConversation(spec: NewConversation): ConversationRecord {
    const participants = [...new Set(spec.participants)];
    const conv: ConversationRecord = {
      id: spec.id,
      kind: spec.kind,
      participants,
      scope: spec.scope ?? [],
      name: spec.name,
      image: spec.image,
      creator: spec.creator,
      createdAt: spec.createdAt,
      updatedAt: spec.createdAt,
      messages: [],
      pinned: [],
      fake: spec.fake ?? false,
      historyFilled: !spec.fake,
      attrs: spec.attrs ?? {},
      snapshots: new Map(),
    };
    this.conversations.set(conv.id, conv);
    if (spec.kind !== 'group') this.byParticipants.set(participantsKey(spec.kind, participants, conv.scope), conv.id);
    for (const p of participants) {
      let set = this.byUser.get(p);
      if (!set) this.byUser.set(p, (set = new Set()));
      set.add(conv.id);
    }
    return conv;
  }

  /** A user's conversations, most recent activity first. */
  conversationsOf(key: UserKey): ConversationRecord[] {
    const ids = this.byUser.get(key);
    if (!ids) return [];
    const list: ConversationRecord[] = [];
    for (const id of ids) {
      const c = this.conversations.get(id);
      if (c) list.push(c);
    }
    return list.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
  }

  /** The message a client already sent with this idempotency key, if any. */
  messageByClientId(conversationId: string, sender: UserKey, clientId: unknown): MessageRecord | undefined {
    if (clientId === undefined || clientId === null || clientId === '') return undefined;
    const id = this.clientIds.get(`${conversationId}\u0000${sender}\u0000${String(clientId)}`);
    return id === undefined ? undefined : this.messages.get(id);
  }

  storeMessage(spec: NewMessage): MessageRecord {
    const conv = spec.conversation;
    const recipients = conv.participants.filter((p) => p !== spec.sender);
    const offline = recipients.filter((r) => !spec.online(r));
    const pending = offline.length ? new Set(offline) : NOBODY;
    const readBy = spec.readBy?.length ? new Set(spec.readBy) : NOBODY;
    const message: MessageRecord = {
      id: spec.id,
      conversationId: conv.id,
      sender: spec.sender,
      text: spec.text,
      kind: spec.kind,
      media: spec.media,
      mediaUrl: spec.mediaUrl,
      clientId: spec.clientId,
      replyTo: spec.replyTo,
      createdAt: spec.createdAt,
      deleted: false,
      pinned: false,
      readBy,
      pending,
      onlineAtStore: pending.size === 0,
      attrs: spec.attrs ?? {},
    };
    this.messages.set(message.id, message);
    conv.messages.push(message.id);
    conv.updatedAt = Math.max(conv.updatedAt, spec.createdAt);
    if (spec.clientId !== undefined && spec.clientId !== null && spec.clientId !== '') {
      this.clientIds.set(`${conv.id}\u0000${spec.sender}\u0000${String(spec.clientId)}`, message.id);
    }
    for (const r of recipients) if (!readBy.has(r)) this.unreadSet(r, conv.id).add(message.id);
    return message;
  }

  private unreadSet(key: UserKey, conversationId: string): Set<string> {
    let byConv = this.unread.get(key);
    if (!byConv) this.unread.set(key, (byConv = new Map()));
    let set = byConv.get(conversationId);
    if (!set) byConv.set(conversationId, (set = new Set()));
    return set;
  }

  /** A conversation's messages that are not deleted, newest first. */
  messagesOf(conv: ConversationRecord): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (let i = conv.messages.length - 1; i >= 0; i--) {
      const m = this.messages.get(conv.messages[i]!);
      if (m && !m.deleted) out.push(m);
    }
    return out;
  }

  /** A conversation's latest message that is not deleted. */
  lastMessage(conv: ConversationRecord): MessageRecord | undefined {
    for (let i = conv.messages.length - 1; i >= 0; i--) {
      const m = this.messages.get(conv.messages[i]!);
      if (m && !m.deleted) return m;
    }
    return undefined;
  }

  /** Messages to a user that arrived while they were offline and are still unread, newest first. */
  offlineMessagesOf(key: UserKey): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const set of this.unread.get(key)?.values() ?? []) {
      for (const id of set) {
        const m = this.messages.get(id);
        if (m && !m.deleted && !m.onlineAtStore) out.push(m);
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  deleteMessage(message: MessageRecord): void {
    message.deleted = true;
    message.text = undefined;
    const conv = this.conversations.get(message.conversationId);
    if (conv) this.unpin(conv, message);
    for (const byConv of this.unread.values()) byConv.get(message.conversationId)?.delete(message.id);
  }

  editMessage(message: MessageRecord, text: string | undefined, at: number): void {
    message.text = text;
    message.editedAt = at;
  }

  /** Marks messages to `reader` as read: one, those up to one, or all of the conversation. */
  markRead(conv: ConversationRecord, reader: UserKey, options: { message?: MessageRecord; upTo?: MessageRecord } = {}): void {
    const set = this.unread.get(reader)?.get(conv.id);
    const mark = (m: MessageRecord) => {
      if (m.sender === reader) return;
      if (m.readBy.has(reader)) return;
      m.readBy = new Set(m.readBy).add(reader);
      set?.delete(m.id);
    };
    if (options.message) return mark(options.message);
    if (!options.upTo) {
      // All of them: only the unread ones need marking.
      for (const id of [...(set ?? [])]) {
        const m = this.messages.get(id);
        if (m) mark(m);
      }
      return;
    }
    for (const id of conv.messages) {
      const m = this.messages.get(id);
      if (!m) continue;
      if (options.upTo && m.createdAt > options.upTo.createdAt) break;
      mark(m);
    }
  }

  pin(conv: ConversationRecord, message: MessageRecord, pinned: boolean): void {
    message.pinned = pinned;
    if (pinned && !conv.pinned.includes(message.id)) conv.pinned.push(message.id);
    if (!pinned) this.unpin(conv, message);
  }

  private unpin(conv: ConversationRecord, message: MessageRecord): void {
    message.pinned = false;
    const i = conv.pinned.indexOf(message.id);
    if (i >= 0) conv.pinned.splice(i, 1);
  }

  /** Delivers what was pending for a user who came online; returns the senders concerned. */
  markDelivered(key: UserKey): Set<UserKey> {
    const senders = new Set<UserKey>();
    for (const convId of this.byUser.get(key) ?? []) {
      const conv = this.conversations.get(convId);
      if (!conv) continue;
      for (const id of conv.messages) {
        const m = this.messages.get(id);
        if (m && m.pending.has(key)) {
          const rest = new Set(m.pending);
          rest.delete(key);
          m.pending = rest.size ? rest : NOBODY;
          senders.add(m.sender);
        }
      }
    }
    return senders;
  }

  unreadIn(conversationId: string, key: UserKey): number {
    return this.unread.get(key)?.get(conversationId)?.size ?? 0;
  }

  unreadTotal(key: UserKey): number {
    let n = 0;
    for (const set of this.unread.get(key)?.values() ?? []) n += set.size;
    return n;
  }

  /** Counts, for the control API. */
  summary(): { users: number; conversations: number; messages: number } {
    return { users: this.users.size, conversations: this.conversations.size, messages: this.messages.size };
  }
}
