/**
 * Effects (CONVENTIONS.md §3.3) on the mock's state: storing, deleting, editing, reading and
 * pinning messages, creating conversations, joining their rooms, delivering what was pending.
 */
import type { Socket } from 'socket.io';
import { ProtocolError } from '../src/runtime/errors.js';
import type { Effect } from '../src/spec/vocabulary.js';
import type { MockContext } from './context.js';
import type { Resolution } from './conversations.js';
import { compileUsers, compileValue, requestPath, type Evaluator, type Scope } from './expressions.js';
import { getPath } from './paths.js';
import { conversationRoom } from './presence.js';
import type { ConversationRecord, Store } from './state.js';

export interface EffectEnv {
  readonly ctx: MockContext;
  readonly store: Store;
  readonly resolution: Resolution;
  /** The socket whose event this is (none for fake peers and the control API). */
  readonly socket?: Socket;
  readonly presenceNamespace: string;
}

export type CompiledEffect = (scope: Scope, env: EffectEnv) => void;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The request's fields worth remembering with what it creates (`fields`: those an entity of
 * that kind shows and no role fills), from its top level and from the object holding `nested`
 * (the text of `{ message: { message, first_name } }`). Copied: a request is not kept whole.
 */
function attrsOf(request: unknown, fields: ReadonlySet<string>, nested?: (string | number)[]): Obj {
  const out: Obj = {};
  if (fields.size === 0) return out;
  const sources = [request, nested && nested.length > 1 ? getPath(request, nested.slice(0, -1)) : undefined];
  for (const source of sources) {
    if (!isObj(source)) continue;
    for (const k of fields) if (source[k] !== undefined) out[k] = source[k];
  }
  return out;
}

/** The conversation to store into: the resolved one, or a new one where the operation may create it. */
function conversationFor(scope: Scope, env: EffectEnv): ConversationRecord {
  if (scope.conversation) return scope.conversation;
  const missing = env.resolution.missing;
  if (!missing?.create) throw new ProtocolError('notFound', 'Conversation not found');
  const { ctx, store } = env;
  const conv = store.createConversation({
    id: String(ctx.realism.id(ctx.facts.conversationIdComponent, ctx.rng)),
    kind: missing.kind,
    participants: missing.participants,
    scope: missing.scope,
    creator: missing.kind === 'group' ? scope.actor.key : undefined,
    createdAt: ctx.clock.now(),
    attrs: attrsOf(scope.request, env.ctx.facts.carried.conversation),
  });
  scope.conversation = conv;
  return conv;
}

const optional = (value: unknown): Evaluator | undefined => (value === undefined ? undefined : compileValue(value));

export function compileEffect(effect: Effect | undefined): CompiledEffect {
  if (effect === undefined || effect === 'read') return () => undefined;
  if (effect === 'joinConversation') {
    return (s, env) => {
      if (env.socket && s.conversation) void env.socket.join(conversationRoom(s.conversation.id));
    };
  }
  if (effect === 'joinConversations') {
    return (s, env) => {
      if (!env.socket) return;
      const rooms = env.store.conversationsOf(s.actor.key).map((c) => conversationRoom(c.id));
      if (rooms.length) void env.socket.join(rooms);
    };
  }
  if (effect === 'markDelivered') {
    return (s, env) => {
      s.pendingSenders = env.store.markDelivered(s.actor.key);
    };
  }
  if ('storeMessage' in effect) {
    const a = effect.storeMessage;
    const text = optional(a.text);
    const clientId = optional(a.clientId);
    const media = optional(a.media);
    const replyTo = optional(a.replyTo);
    const kind = optional(a.kind);
    const textPath = requestPath(a.text);
    return (s, env) => {
      const conv = conversationFor(s, env);
      const key = clientId?.(s);
      const retried = env.store.messageByClientId(conv.id, s.actor.key, key);
      if (retried) {
        s.message = retried;
        return;
      }
      const t = text?.(s);
      s.message = env.store.storeMessage({
        id: String(env.ctx.realism.id(env.ctx.facts.messageIdComponent, env.ctx.rng)),
        conversation: conv,
        sender: s.actor.key,
        text: t === undefined || t === null ? undefined : String(t),
        kind: kind?.(s),
        media: media?.(s),
        replyTo: replyTo?.(s),
        clientId: key,
        createdAt: env.ctx.clock.now(),
        online: (k) => env.ctx.presence.isOnline(k, env.presenceNamespace),
        attrs: attrsOf(s.request, env.ctx.facts.carried.message, textPath),
      });
    };
  }
  if ('storeMedia' in effect) {
    const a = effect.storeMedia;
    const bytes = compileValue(a.bytes);
    const mimeType = compileValue(a.mimeType);
    const clientId = optional(a.clientId);
    return (s, env) => {
      const conv = conversationFor(s, env);
      const key = clientId?.(s);
      const retried = env.store.messageByClientId(conv.id, s.actor.key, key);
      if (retried) {
        s.message = retried;
        return;
      }
      const id = String(env.ctx.realism.id(env.ctx.facts.messageIdComponent, env.ctx.rng));
      const raw = bytes(s);
      const data = raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : ArrayBuffer.isView(raw) ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array();
      const type = String(mimeType(s) ?? 'application/octet-stream');
      if (!env.ctx.settings.stateless) env.store.media.set(id, { bytes: data, mimeType: type });
      s.message = env.store.storeMessage({
        id,
        conversation: conv,
        sender: s.actor.key,
        kind: type,
        mediaUrl: `${env.ctx.publicUrl()}/_mock/media/${id}`,
        clientId: key,
        createdAt: env.ctx.clock.now(),
        online: (k) => env.ctx.presence.isOnline(k, env.presenceNamespace),
        attrs: attrsOf(s.request, env.ctx.facts.carried.message),
      });
    };
  }
  if ('deleteMessage' in effect) {
    const id = compileValue(effect.deleteMessage.message);
    return (s, env) => {
      const m = env.store.messages.get(String(id(s)));
      if (!m) return;
      env.store.deleteMessage(m);
      s.message = m;
    };
  }
  if ('editMessage' in effect) {
    const id = compileValue(effect.editMessage.message);
    const text = compileValue(effect.editMessage.text);
    return (s, env) => {
      const m = env.store.messages.get(String(id(s)));
      if (!m) return;
      const t = text(s);
      env.store.editMessage(m, t === undefined ? undefined : String(t), env.ctx.clock.now());
      s.message = m;
    };
  }
  if ('markRead' in effect) {
    const message = optional(effect.markRead.message);
    const upTo = optional(effect.markRead.upTo);
    return (s, env) => {
      const conv = s.conversation;
      if (!conv) return;
      const m = message ? env.store.messages.get(String(message(s))) : undefined;
      const until = upTo ? env.store.messages.get(String(upTo(s))) : undefined;
      if (message && !m) return;
      env.store.markRead(conv, s.actor.key, { message: m, upTo: until });
      if (m) s.message = m;
    };
  }
  if ('pinMessage' in effect) {
    const id = compileValue(effect.pinMessage.message);
    const pinned = compileValue(effect.pinMessage.pinned);
    return (s, env) => {
      const m = env.store.messages.get(String(id(s)));
      if (!m || !s.conversation) return;
      env.store.pin(s.conversation, m, pinned(s) === true);
      s.message = m;
    };
  }
  if ('createConversation' in effect) {
    const a = effect.createConversation;
    const id = optional(a.id);
    const name = optional(a.name);
    const image = optional(a.image);
    const participants = compileUsers(a.participants);
    return (s, env) => {
      const { ctx, store } = env;
      const wanted = id?.(s);
      if (wanted !== undefined && wanted !== null && wanted !== '' && store.conversations.has(String(wanted))) {
        throw new ProtocolError('invalidRequest', `A conversation with id ${String(wanted)} exists already`, requestPath(a.id)?.join('.'));
      }
      const n = name?.(s);
      const img = image?.(s);
      // The creator is always a member (CONVENTIONS.md: a group of the actor and the others named).
      const members = [s.actor.key, ...participants(s)];
      s.conversation = store.createConversation({
        id: wanted === undefined || wanted === null || wanted === '' ? String(ctx.realism.id(ctx.facts.conversationIdComponent, ctx.rng)) : String(wanted),
        kind: 'group',
        participants: members,
        name: typeof n === 'string' && n !== '' ? n : undefined,
        image: typeof img === 'string' && img !== '' ? img : undefined,
        creator: s.actor.key,
        createdAt: ctx.clock.now(),
        attrs: attrsOf(s.request, ctx.facts.carried.conversation),
      });
      s.conversationExisted = false;
    };
  }
  throw new Error(`unknown effect ${JSON.stringify(effect)}`);
}
