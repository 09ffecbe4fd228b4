/**
 * What the runner knows of the server's state, as the behaviour model sees a state: the
 * conversations and messages its own users made, with the server's ids learnt from what the
 * server sent (an id the model has to invent is a placeholder until then), unread counts and
 * delivery states kept by the spec's rules, and who is online from the runner's own sockets.
 */
import type { BehaviourState, ConversationKind, ConversationView, MessageView, NewConversation, NewMessage, UserKey } from '../behaviour/index.js';

export interface ShadowConversation extends ConversationView {
  id: string;
  readonly participants: UserKey[];
  readonly scope: readonly unknown[];
  readonly messages: string[];
  /** Whether the runner's own events created it (its first message then opened it). */
  readonly createdHere: boolean;
}

export interface ShadowMessage extends MessageView {
  id: string;
  conversationId: string;
  readonly clientId?: unknown;
  readonly file: boolean;
  deleted: boolean;
  /** Participants who have not read it. */
  readonly unreadBy: Set<UserKey>;
  /** Participants it was not delivered to (offline when it was stored). */
  readonly pending: Set<UserKey>;
  readonly opened: boolean;
}

export interface ShadowRecords {
  readonly conversation: ShadowConversation;
  readonly message: ShadowMessage;
}

const PLACEHOLDER = '\u0000parley:';

/** Whether a value is an id the runner has not learnt yet. */
export const isPlaceholder = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PLACEHOLDER);

export class ShadowState implements BehaviourState<ShadowRecords> {
  readonly stateless = false;
  private readonly conversations = new Map<string, ShadowConversation>();
  private readonly messages = new Map<string, ShadowMessage>();
  /** Users online per namespace. */
  private readonly online = new Map<string, Set<UserKey>>();
  private readonly ids = new Map<UserKey, string | number>();
  private placeholders = 0;

  constructor(private readonly counterpart?: Readonly<Record<string, string>>) {}

  /** Records a user's id as the protocol writes it. */
  knowUser(key: UserKey, id: string | number): void {
    this.ids.set(key, id);
  }

  setOnline(key: UserKey, namespace: string, online: boolean): void {
    let set = this.online.get(namespace);
    if (!set) this.online.set(namespace, (set = new Set()));
    if (online) set.add(key);
    else set.delete(key);
  }

  /** Replaces a placeholder id with the server's. */
  learn(placeholder: string, actual: unknown): void {
    const id = String(actual);
    const conv = this.conversations.get(placeholder);
    if (conv) {
      this.conversations.delete(placeholder);
      conv.id = id;
      this.conversations.set(id, conv);
      for (const mid of conv.messages) this.messages.get(mid)!.conversationId = id;
    }
    const message = this.messages.get(placeholder);
    if (message) {
      this.messages.delete(placeholder);
      message.id = id;
      this.messages.set(id, message);
      const c = this.conversations.get(message.conversationId);
      if (c) c.messages[c.messages.indexOf(placeholder)] = id;
    }
  }

  private placeholder(kind: string): string {
    return `${PLACEHOLDER}${kind}:${++this.placeholders}`;
  }

  now(): number {
    return Date.now();
  }

  keyOf(id: unknown, actorRole?: string): UserKey {
    if (!this.counterpart) return String(id);
    const role = actorRole === undefined ? undefined : (this.counterpart[actorRole] ?? actorRole);
    return role === undefined ? String(id) : `${role}:${String(id)}`;
  }

  idOf(key: UserKey): string | number {
    return this.ids.get(key) ?? (this.counterpart ? key.slice(key.indexOf(':') + 1) : key);
  }

  isOnline(key: UserKey, namespace: string): boolean {
    return this.online.get(namespace)?.has(key) ?? false;
  }

  conversation(id: string): ShadowConversation | undefined {
    return this.conversations.get(id);
  }

  findConversation(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[]): ShadowConversation | undefined {
    const wanted = [...new Set(participants)].sort().join('\u0000');
    const scoped = JSON.stringify(scope);
    for (const c of this.conversations.values()) {
      if (c.kind === kind && kind !== 'group' && [...new Set(c.participants)].sort().join('\u0000') === wanted && JSON.stringify(c.scope) === scoped) return c;
    }
    return undefined;
  }

  conversationsOf(key: UserKey): readonly ShadowConversation[] {
    return [...this.conversations.values()].filter((c) => c.participants.includes(key));
  }

  createConversation(c: NewConversation): ShadowConversation {
    const conv: ShadowConversation = {
      id: c.id ?? this.placeholder('conversation'),
      kind: c.kind,
      participants: [...new Set(c.participants)],
      scope: c.scope ?? [],
      messages: [],
      createdHere: true,
    };
    this.conversations.set(conv.id, conv);
    return conv;
  }

  message(id: string): ShadowMessage | undefined {
    return this.messages.get(id);
  }

  messageByClientId(conversationId: string, sender: UserKey, clientId: unknown): ShadowMessage | undefined {
    if (clientId === undefined || clientId === null || clientId === '') return undefined;
    for (const m of this.messages.values()) if (m.conversationId === conversationId && m.sender === sender && m.clientId === clientId) return m;
    return undefined;
  }

  storeMessage(n: NewMessage<ShadowConversation>): ShadowMessage {
    const conv = n.conversation;
    const others = conv.participants.filter((p) => p !== n.sender);
    const m: ShadowMessage = {
      id: this.placeholder('message'),
      conversationId: conv.id,
      sender: n.sender,
      createdAt: this.now(),
      clientId: n.clientId,
      file: n.file !== undefined,
      deleted: false,
      unreadBy: new Set(others),
      pending: new Set(others.filter((k) => !this.isOnline(k, n.presenceNamespace))),
      opened: conv.createdHere && conv.messages.length === 0,
    };
    this.messages.set(m.id, m);
    conv.messages.push(m.id);
    return m;
  }

  deleteMessage(message: ShadowMessage): void {
    message.deleted = true;
    message.unreadBy.clear();
  }

  editMessage(): void {
    // Texts are the server's: the runner checks what the spec correlates, not stored text.
  }

  markRead(conversation: ShadowConversation, reader: UserKey, at: { message?: ShadowMessage; upTo?: ShadowMessage }): void {
    if (at.message) {
      at.message.unreadBy.delete(reader);
      return;
    }
    for (const id of conversation.messages) {
      const m = this.messages.get(id)!;
      m.unreadBy.delete(reader);
      if (at.upTo && m === at.upTo) return;
    }
  }

  pin(): void {
    // Pins show in later lists, which the runner does not check yet.
  }

  openedConversation(message: ShadowMessage): boolean {
    return message.opened;
  }

  deliveredTo(message: ShadowMessage, key: UserKey): boolean {
    return !message.pending.has(key);
  }

  isFile(message: ShadowMessage): boolean {
    return message.file;
  }

  markDelivered(reader: UserKey): ReadonlySet<UserKey> {
    const senders = new Set<UserKey>();
    for (const m of this.messages.values()) if (m.pending.delete(reader)) senders.add(m.sender);
    return senders;
  }

  unreadIn(conversationId: string, key: UserKey): number {
    let n = 0;
    for (const id of this.conversations.get(conversationId)?.messages ?? []) if (this.messages.get(id)?.unreadBy.has(key)) n++;
    return n;
  }

  unreadTotal(key: UserKey): number {
    let n = 0;
    for (const m of this.messages.values()) if (m.unreadBy.has(key)) n++;
    return n;
  }
}
