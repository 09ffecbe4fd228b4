/**
 * A small in-memory BehaviourState (src/behaviour/state.ts) for the behaviour model's unit tests:
 * conversations by id and by kind + participants + scope, messages with client ids, unread
 * counters, pending deliveries and who is online. It keeps what the model asked of it
 * (`created`, `stored`) so that tests can check the arguments as well as the outcome.
 *
 * It is deliberately naive: it does not remove duplicate participants, so a test sees exactly
 * what the model hands over.
 */
import type { BehaviourState, ConversationKind, ConversationView, MessageView, NewConversation, NewMessage, UserKey } from '../../src/behaviour/index.js';

export interface MemoryConversation extends ConversationView {
  readonly participants: readonly UserKey[];
  readonly scope: readonly unknown[];
  readonly name?: string;
  readonly image?: string;
  readonly creator?: UserKey;
  /** Message ids, oldest first. */
  readonly messages: string[];
  /** Pinned message ids, oldest pin first. */
  readonly pinned: string[];
}

export interface MemoryMessage extends MessageView {
  text?: string;
  readonly kind?: unknown;
  readonly media?: unknown;
  readonly replyTo?: unknown;
  readonly clientId?: unknown;
  readonly file?: { readonly bytes: Uint8Array; readonly mimeType: string };
  deleted: boolean;
  pinned: boolean;
  editedAt?: number;
  /** Recipients who have read it. */
  readonly readBy: Set<UserKey>;
  /** Recipients it was not delivered to yet (they were offline when it was stored). */
  readonly pending: Set<UserKey>;
}

export interface MemoryRecords {
  readonly conversation: MemoryConversation;
  readonly message: MemoryMessage;
}

export interface MemoryOptions {
  readonly stateless?: boolean;
  /** The clock, in milliseconds since the epoch; `tick` advances it. */
  readonly now?: number;
  /** With roles: the counterpart role of each role (`{ customer: 'vendor', vendor: 'customer' }`). Keys are then `role:id`. */
  readonly counterpart?: Readonly<Record<string, string>>;
}

const sameUsers = (a: readonly UserKey[], b: readonly UserKey[]): boolean => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
};

export class MemoryState implements BehaviourState<MemoryRecords> {
  stateless: boolean;
  /** Conversations a test set up before the events it runs. */
  private readonly preexisting = new Set<string>();
  /** Messages whose storing created their conversation. */
  private readonly opened = new Set<string>();
  time: number;
  readonly conversations = new Map<string, MemoryConversation>();
  readonly messages = new Map<string, MemoryMessage>();
  /** Every conversation the model asked to create, in order, as asked. */
  readonly created: NewConversation[] = [];
  /** Every message the model asked to store, in order, as asked. */
  readonly stored: NewMessage<MemoryConversation>[] = [];
  /** `namespace user` of every user online. */
  private readonly online = new Set<string>();
  private readonly counterpart?: Readonly<Record<string, string>>;
  private lastConversation = 0;
  private lastMessage = 0;

  constructor(options: MemoryOptions = {}) {
    this.stateless = options.stateless ?? false;
    this.time = options.now ?? Date.UTC(2026, 0, 2, 3, 4, 5);
    this.counterpart = options.counterpart;
  }

  // ---- test helpers ----

  /** Advances the clock by `ms` (messages stored later get a later time). */
  tick(ms = 1000): void {
    this.time += ms;
  }

  setOnline(key: UserKey, online = true, namespace = '/'): void {
    if (online) this.online.add(`${namespace} ${key}`);
    else this.online.delete(`${namespace} ${key}`);
  }

  /** A conversation, created as the model would ask. */
  addConversation(id: string, kind: ConversationKind, participants: UserKey[], scope: unknown[] = []): MemoryConversation {
    const conv = this.createConversation({ id, kind, participants, scope, request: undefined });
    this.preexisting.add(conv.id);
    return conv;
  }

  /** A message of `sender` in a conversation (recipients offline in '/' get it pending). */
  addMessage(conversation: MemoryConversation, sender: UserKey, text = 'hello', clientId?: unknown): MemoryMessage {
    this.tick();
    return this.storeMessage({ conversation, sender, text, clientId, request: { text }, presenceNamespace: '/' });
  }

  /** Message ids of a conversation that a user has not read (deleted messages excluded). */
  unreadIds(conversationId: string, key: UserKey): string[] {
    const conv = this.conversations.get(conversationId);
    return (conv?.messages ?? []).filter((id) => {
      const m = this.messages.get(id)!;
      return !m.deleted && m.sender !== key && !m.readBy.has(key) && conv!.participants.includes(key);
    });
  }

  // ---- BehaviourState ----

  now(): number {
    return this.time;
  }

  keyOf(id: unknown, actorRole?: string): UserKey {
    if (!this.counterpart) return String(id);
    const role = actorRole === undefined ? undefined : (this.counterpart[actorRole] ?? actorRole);
    return role === undefined ? String(id) : `${role}:${String(id)}`;
  }

  idOf(key: UserKey): string | number {
    return this.counterpart && key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
  }

  isOnline(key: UserKey, namespace: string): boolean {
    return this.online.has(`${namespace} ${key}`);
  }

  conversation(id: string): MemoryConversation | undefined {
    return this.conversations.get(id);
  }

  findConversation(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[]): MemoryConversation | undefined {
    for (const c of this.conversations.values()) {
      if (c.kind === kind && sameUsers(c.participants, participants) && JSON.stringify(c.scope) === JSON.stringify(scope)) return c;
    }
    return undefined;
  }

  conversationsOf(key: UserKey): readonly MemoryConversation[] {
    return [...this.conversations.values()].filter((c) => c.participants.includes(key));
  }

  createConversation(c: NewConversation): MemoryConversation {
    this.created.push(c);
    let id = c.id;
    while (id === undefined || this.conversations.has(id)) {
      if (c.id !== undefined) throw new Error(`conversation ${c.id} exists already`);
      id = `c${++this.lastConversation}`;
    }
    const conv: MemoryConversation = {
      id,
      kind: c.kind,
      participants: [...c.participants],
      scope: c.scope ?? [],
      name: c.name,
      image: c.image,
      creator: c.creator,
      messages: [],
      pinned: [],
    };
    this.conversations.set(conv.id, conv);
    return conv;
  }

  message(id: string): MemoryMessage | undefined {
    return this.messages.get(id);
  }

  messageByClientId(conversationId: string, sender: UserKey, clientId: unknown): MemoryMessage | undefined {
    if (clientId === undefined || clientId === null || clientId === '') return undefined;
    for (const m of this.messages.values()) {
      if (m.conversationId === conversationId && m.sender === sender && m.clientId === clientId) return m;
    }
    return undefined;
  }

  storeMessage(n: NewMessage<MemoryConversation>): MemoryMessage {
    this.stored.push(n);
    const recipients = n.conversation.participants.filter((p) => p !== n.sender);
    const m: MemoryMessage = {
      id: `m${++this.lastMessage}`,
      conversationId: n.conversation.id,
      sender: n.sender,
      createdAt: this.time,
      text: n.text,
      kind: n.kind,
      media: n.media,
      replyTo: n.replyTo,
      clientId: n.clientId,
      file: n.file,
      deleted: false,
      pinned: false,
      readBy: new Set(),
      pending: new Set(recipients.filter((r) => !this.isOnline(r, n.presenceNamespace))),
    };
    this.messages.set(m.id, m);
    // A conversation the model created (not set up by a test) is opened by its first message.
    if (n.conversation.messages.length === 0 && !this.preexisting.has(n.conversation.id)) this.opened.add(m.id);
    n.conversation.messages.push(m.id);
    return m;
  }

  deleteMessage(message: MemoryMessage): void {
    message.deleted = true;
    message.text = undefined;
  }

  editMessage(message: MemoryMessage, text: string | undefined): void {
    message.text = text;
    message.editedAt = this.time;
  }

  markRead(conversation: MemoryConversation, reader: UserKey, at: { message?: MemoryMessage; upTo?: MemoryMessage }): void {
    const read = (m: MemoryMessage) => {
      if (m.sender !== reader) m.readBy.add(reader);
    };
    if (at.message) return read(at.message);
    for (const id of conversation.messages) {
      const m = this.messages.get(id)!;
      read(m);
      if (at.upTo && id === at.upTo.id) return;
    }
  }

  pin(conversation: MemoryConversation, message: MemoryMessage, pinned: boolean): void {
    message.pinned = pinned;
    const i = conversation.pinned.indexOf(message.id);
    if (pinned && i < 0) conversation.pinned.push(message.id);
    if (!pinned && i >= 0) conversation.pinned.splice(i, 1);
  }

  openedConversation(message: MemoryMessage): boolean {
    return this.opened.has(message.id);
  }

  deliveredTo(message: MemoryMessage, key: UserKey): boolean {
    return !message.pending.has(key);
  }

  isFile(message: MemoryMessage): boolean {
    return message.file !== undefined;
  }

  markDelivered(reader: UserKey): ReadonlySet<UserKey> {
    const senders = new Set<UserKey>();
    for (const m of this.messages.values()) {
      if (m.pending.delete(reader)) senders.add(m.sender);
    }
    return senders;
  }

  unreadIn(conversationId: string, key: UserKey): number {
    return this.unreadIds(conversationId, key).length;
  }

  unreadTotal(key: UserKey): number {
    let n = 0;
    for (const c of this.conversations.values()) n += this.unreadIn(c.id, key);
    return n;
  }
}
