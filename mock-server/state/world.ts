/**
 * The mock's state as the behaviour model sees it (src/behaviour/state.ts): the in-memory store,
 * with ids of the right shape from the spec's examples, the mock's clock, presence that counts
 * fake peers, and the request fields an entity shows remembered with what a request creates.
 */
import type { BehaviourState, NewConversation, NewMessage } from '../../src/behaviour/index.js';
import { getPath, type Segment } from '../../src/spec/paths.js';
import type { MockContext } from '../context.js';
import type { ConversationKind, ConversationRecord, MessageRecord, UserKey } from './state.js';

export interface MockRecords {
  readonly conversation: ConversationRecord;
  readonly message: MessageRecord;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The request's fields worth remembering with what it creates (`fields`: those an entity of
 * that kind shows and no role fills), from its top level and from the object holding `nested`
 * (the text of `{ message: { message, first_name } }`). Copied: a request is not kept whole.
 */
function attrsOf(request: unknown, fields: ReadonlySet<string>, nested?: readonly Segment[]): Obj {
  const out: Obj = {};
  if (fields.size === 0) return out;
  const sources = [request, nested && nested.length > 1 ? getPath(request, nested.slice(0, -1)) : undefined];
  for (const source of sources) {
    if (!isObj(source)) continue;
    for (const k of fields) if (source[k] !== undefined) out[k] = source[k];
  }
  return out;
}

export class MockWorld implements BehaviourState<MockRecords> {
  constructor(private readonly ctx: MockContext) {}

  get stateless(): boolean {
    return this.ctx.settings.stateless;
  }

  now(): number {
    return this.ctx.clock.now();
  }

  keyOf(id: unknown, actorRole?: string): UserKey {
    return this.ctx.users.keyOf(id, actorRole);
  }

  idOf(key: UserKey): string | number {
    return this.ctx.users.idOf(key);
  }

  isOnline(key: UserKey, namespace: string): boolean {
    return this.ctx.presence.isOnline(key, namespace);
  }

  conversation(id: string): ConversationRecord | undefined {
    return this.ctx.store.conversations.get(id);
  }

  findConversation(kind: ConversationKind, participants: readonly UserKey[], scope: readonly unknown[]): ConversationRecord | undefined {
    return this.ctx.store.findConversation(kind, participants, scope);
  }

  conversationsOf(key: UserKey): readonly ConversationRecord[] {
    return this.ctx.store.conversationsOf(key);
  }

  createConversation(c: NewConversation): ConversationRecord {
    const { ctx } = this;
    return ctx.store.createConversation({
      id: c.id ?? String(ctx.realism.id(ctx.facts.conversationIdComponent, ctx.rng)),
      kind: c.kind,
      participants: c.participants,
      scope: c.scope,
      name: c.name,
      image: c.image,
      creator: c.creator,
      createdAt: ctx.clock.now(),
      attrs: c.request === undefined ? undefined : attrsOf(c.request, ctx.facts.carried.conversation),
    });
  }

  message(id: string): MessageRecord | undefined {
    return this.ctx.store.messages.get(id);
  }

  messageByClientId(conversationId: string, sender: UserKey, clientId: unknown): MessageRecord | undefined {
    return this.ctx.store.messageByClientId(conversationId, sender, clientId);
  }

  storeMessage(m: NewMessage<ConversationRecord>): MessageRecord {
    const { ctx } = this;
    const id = String(ctx.realism.id(ctx.facts.messageIdComponent, ctx.rng));
    // Media bytes are served back at /_mock/media/<id>; a stateless mock keeps none.
    if (m.file && !ctx.settings.stateless) ctx.store.media.set(id, m.file);
    return ctx.store.storeMessage({
      id,
      conversation: m.conversation,
      sender: m.sender,
      text: m.text,
      kind: m.kind,
      media: m.media,
      mediaUrl: m.file ? `${ctx.publicUrl()}/_mock/media/${id}` : undefined,
      replyTo: m.replyTo,
      clientId: m.clientId,
      createdAt: ctx.clock.now(),
      online: (k) => ctx.presence.isOnline(k, m.presenceNamespace),
      attrs: attrsOf(m.request, ctx.facts.carried.message, m.textPath),
    });
  }

  deleteMessage(message: MessageRecord): void {
    this.ctx.store.deleteMessage(message);
  }

  editMessage(message: MessageRecord, text: string | undefined): void {
    this.ctx.store.editMessage(message, text, this.ctx.clock.now());
  }

  markRead(conversation: ConversationRecord, reader: UserKey, at: { message?: MessageRecord; upTo?: MessageRecord }): void {
    this.ctx.store.markRead(conversation, reader, at);
  }

  pin(conversation: ConversationRecord, message: MessageRecord, pinned: boolean): void {
    this.ctx.store.pin(conversation, message, pinned);
  }

  openedConversation(message: MessageRecord): boolean {
    // Created by the same event: the clock ticks once per event.
    const conv = this.ctx.store.conversations.get(message.conversationId);
    return conv?.messages[0] === message.id && conv.createdAt === message.createdAt;
  }

  deliveredTo(message: MessageRecord, key: UserKey): boolean {
    return !message.pending.has(key);
  }

  isFile(message: MessageRecord): boolean {
    return message.mediaUrl !== undefined;
  }

  markDelivered(reader: UserKey): ReadonlySet<UserKey> {
    return this.ctx.store.markDelivered(reader);
  }

  unreadIn(conversationId: string, key: UserKey): number {
    return this.ctx.store.unreadIn(conversationId, key);
  }

  unreadTotal(key: UserKey): number {
    return this.ctx.store.unreadTotal(key);
  }
}
