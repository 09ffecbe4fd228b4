/**
 * Effects (CONVENTIONS.md §3.3), applied to a state: storing, deleting, editing, reading and
 * pinning messages, creating conversations, subscribing the socket to conversations, delivering
 * what was pending.
 */
import { ProtocolError, conversationRoom } from '../runtime/errors.js';
import type { Effect } from '../spec/vocabulary.js';
import type { Resolution } from './conversations.js';
import { compileUsers, compileValue, requestPath, type Evaluator } from './expressions.js';
import type { Scope } from './scope.js';
import type { BehaviourState, Records } from './state.js';

export interface EffectEnv<R extends Records = Records> {
  readonly state: BehaviourState<R>;
  readonly resolution: Resolution<R>;
  /** The namespace whose presence says who is online. */
  readonly presenceNamespace: string;
  /** Subscribes the event's socket to rooms (absent for fake peers and the control API). */
  readonly join?: (rooms: string[]) => void;
}

export type CompiledEffect = <R extends Records>(scope: Scope<R>, env: EffectEnv<R>) => void;

/** The conversation to store into: the resolved one, or a new one where the operation may create it. */
function conversationFor<R extends Records>(scope: Scope<R>, env: EffectEnv<R>): R['conversation'] {
  if (scope.conversation) return scope.conversation;
  const missing = env.resolution.missing;
  if (!missing?.create) throw new ProtocolError('notFound', 'Conversation not found');
  const conv = env.state.createConversation({
    kind: missing.kind,
    participants: missing.participants,
    scope: missing.scope,
    creator: missing.kind === 'group' ? scope.actor.key : undefined,
    request: scope.request,
  });
  scope.conversation = conv;
  return conv;
}

const optional = (value: unknown): Evaluator | undefined => (value === undefined ? undefined : compileValue(value));

/** Bytes as Socket.IO delivers them (a Buffer, a typed array, an ArrayBuffer), as a Uint8Array. */
function bytesOf(raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  return new Uint8Array();
}

export function compileEffect(effect: Effect | undefined): CompiledEffect {
  if (effect === undefined || effect === 'read') return () => undefined;
  if (effect === 'joinConversation') {
    return (s, env) => {
      if (s.conversation) env.join?.([conversationRoom(s.conversation.id)]);
    };
  }
  if (effect === 'joinConversations') {
    return (s, env) => {
      if (!env.join) return;
      const rooms = env.state.conversationsOf(s.actor.key).map((c) => conversationRoom(c.id));
      if (rooms.length) env.join(rooms);
    };
  }
  if (effect === 'markDelivered') {
    return (s, env) => {
      s.pendingSenders = env.state.markDelivered(s.actor.key);
    };
  }
  if ('storeMessage' in effect || 'storeMedia' in effect) {
    const media = 'storeMedia' in effect ? effect.storeMedia : undefined;
    const message = 'storeMessage' in effect ? effect.storeMessage : undefined;
    const clientId = optional((media ?? message)!.clientId);
    const clientIdField = requestPath((media ?? message)!.clientId)?.join('.');
    const text = optional(message?.text);
    const attached = optional(message?.media);
    const replyTo = optional(message?.replyTo);
    const kind = optional(message?.kind);
    const textPath = requestPath(message?.text);
    const bytes = media ? compileValue(media.bytes) : undefined;
    const mimeType = media ? compileValue(media.mimeType) : undefined;
    return (s, env) => {
      const conv = conversationFor(s, env);
      const key = clientId?.(s);
      // A retry (the same client id in the same conversation) is the message stored before, and
      // its emits are those of the first send (CONVENTIONS.md §3.3).
      const retried = env.state.messageByClientId(conv.id, s.actor.key, key);
      if (retried) {
        if (retried.deleted || env.state.isFile(retried) !== (media !== undefined)) {
          const what = retried.deleted ? 'a deleted message' : env.state.isFile(retried) ? 'a file' : 'a text message';
          throw new ProtocolError('invalidRequest', `${String(key)} is the id of ${what}; a new message needs a new id`, clientIdField);
        }
        s.message = retried;
        s.retried = true;
        s.conversationExisted = !env.state.openedConversation(retried);
        return;
      }
      const t = text?.(s);
      const type = mimeType ? String(mimeType(s) ?? 'application/octet-stream') : undefined;
      s.message = env.state.storeMessage({
        conversation: conv,
        sender: s.actor.key,
        text: t === undefined || t === null ? undefined : String(t),
        kind: type ?? kind?.(s),
        media: attached?.(s),
        replyTo: replyTo?.(s),
        clientId: key,
        file: bytes && type ? { bytes: bytesOf(bytes(s)), mimeType: type } : undefined,
        request: s.request,
        textPath,
        presenceNamespace: env.presenceNamespace,
      });
    };
  }
  if ('deleteMessage' in effect) {
    const id = compileValue(effect.deleteMessage.message);
    return (s, env) => {
      const m = env.state.message(String(id(s)));
      if (!m) return;
      env.state.deleteMessage(m);
      s.message = m;
    };
  }
  if ('editMessage' in effect) {
    const id = compileValue(effect.editMessage.message);
    const text = compileValue(effect.editMessage.text);
    return (s, env) => {
      const m = env.state.message(String(id(s)));
      if (!m) return;
      const t = text(s);
      env.state.editMessage(m, t === undefined ? undefined : String(t));
      s.message = m;
    };
  }
  if ('markRead' in effect) {
    const message = optional(effect.markRead.message);
    const upTo = optional(effect.markRead.upTo);
    return (s, env) => {
      const conv = s.conversation;
      if (!conv) return;
      const m = message ? env.state.message(String(message(s))) : undefined;
      const until = upTo ? env.state.message(String(upTo(s))) : undefined;
      // Naming a message that does not exist marks nothing (not everything).
      if ((message && !m) || (upTo && !until)) return;
      env.state.markRead(conv, s.actor.key, { message: m, upTo: until });
      if (m) s.message = m;
    };
  }
  if ('pinMessage' in effect) {
    const id = compileValue(effect.pinMessage.message);
    const pinned = compileValue(effect.pinMessage.pinned);
    return (s, env) => {
      const m = env.state.message(String(id(s)));
      if (!m || !s.conversation) return;
      env.state.pin(s.conversation, m, pinned(s) === true);
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
      const wanted = id?.(s);
      const named = wanted !== undefined && wanted !== null && wanted !== '';
      if (named && env.state.conversation(String(wanted))) {
        throw new ProtocolError('invalidRequest', `A conversation with id ${String(wanted)} exists already`, requestPath(a.id)?.join('.'));
      }
      const n = name?.(s);
      const img = image?.(s);
      // The creator is always a member (CONVENTIONS.md: a group of the actor and the others named).
      s.conversation = env.state.createConversation({
        id: named ? String(wanted) : undefined,
        kind: 'group',
        participants: [...new Set([s.actor.key, ...participants(s)])],
        name: typeof n === 'string' && n !== '' ? n : undefined,
        image: typeof img === 'string' && img !== '' ? img : undefined,
        creator: s.actor.key,
        request: s.request,
      });
      s.conversationExisted = false;
    };
  }
  throw new Error(`unknown effect ${JSON.stringify(effect)}`);
}
