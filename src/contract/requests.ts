/**
 * A valid request of a client event, bound to a case's users: the spec's first example, with the
 * fields its `x-socketio` reads set to the case's values (the actor fields to the actor, the
 * conversation fields to the conversation or the counterpart, message fields to a message of the
 * conversation, the idempotency key to a fresh one). What the example leaves unbound is the
 * example's.
 */
import { requestPath, requestPathsIn, userIdKey } from '../behaviour/index.js';
import type { EventModel } from '../spec/model.js';
import { clone, deletePath, getPath, setPath, type Segment } from '../spec/paths.js';
import { asList, type ConversationRef, type Effect, type Guard } from '../spec/vocabulary.js';
import type { ShadowConversation, ShadowMessage } from './shadow.js';
import { idOfShape, type TestUser } from './users.js';

export interface Binding {
  readonly actor: TestUser;
  /** The user a conversation is made with, when there is none yet. */
  readonly peer?: TestUser;
  readonly conversation?: ShadowConversation;
  readonly message?: ShadowMessage;
  /** Unique within the run: fresh idempotency keys. */
  readonly unique: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A value never used before, in this run or another, of the example's kind: an integer, an
 * ObjectId, a UUID, or a string. Made of the time and a counter of the run.
 */
export function freshLike(example: unknown, unique: number): unknown {
  const shape = typeof example === 'number' ? 'integer' : typeof example === 'string' && /^[0-9a-f]{24}$/i.test(example) ? 'objectId' : typeof example === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(example) ? 'uuid' : 'string';
  return idOfShape(shape, Date.now() * 1000 + (unique % 1000), 'parley-');
}

/** Sets a user reference at a path, shaped like the example's value there (an id, a user object, a list). */
function setUser(request: Obj, path: Segment[], users: readonly TestUser[]): void {
  const current = getPath(request, path);
  const one = (template: unknown, user: TestUser): unknown => {
    if (!isObj(template)) return typeof template === 'number' ? Number(user.id) : user.id;
    const copy = clone(template);
    const key = userIdKey(copy);
    if (key) copy[key] = user.id;
    return copy;
  };
  if (Array.isArray(current)) setPath(request, path, users.map((u) => one(current[0], u)));
  else setPath(request, path, one(current, users[0]!));
}

/** The paths of request fields that name a message of the conversation. */
function messagePaths(guards: readonly Guard[] | undefined, effect: Effect | undefined): Segment[][] {
  const out: unknown[] = [];
  for (const g of guards ?? []) {
    const check = typeof g === 'object' && 'check' in g ? g.check : g;
    if (typeof check === 'object' && 'messageInConversation' in check) out.push(check.messageInConversation);
    if (typeof check === 'object' && 'messageSender' in check) out.push(check.messageSender);
  }
  if (effect && typeof effect === 'object') {
    const e = effect as Record<string, Record<string, unknown> | undefined>;
    out.push(e.deleteMessage?.message, e.editMessage?.message, e.markRead?.message, e.markRead?.upTo, e.pinMessage?.message);
  }
  return out.map(requestPath).filter((p): p is Segment[] => p !== undefined && p.length > 0);
}

/** Whether the event needs a message of the conversation to act on. */
export function needsMessage(event: EventModel): boolean {
  return messagePaths(event.reaction?.guards, event.reaction?.effect).length > 0;
}

/** Whether the event can name an existing conversation by id (and so needs one). */
export function namesConversationById(event: EventModel): boolean {
  return asList(event.reaction?.conversation).some((a) => 'id' in a);
}

/** Whether the event may create its conversation from participants (the first message of a pair). */
export function createsConversation(event: EventModel): boolean {
  return asList(event.reaction?.conversation).some((a) => 'kind' in a && a.create === true) || (typeof event.reaction?.effect === 'object' && 'createConversation' in event.reaction.effect);
}

/** The request, or why none can be made. */
export function bindRequest(event: EventModel, binding: Binding, generated?: unknown): { request: unknown } | { skip: string } {
  const example = event.examples[0]?.payload ?? generated;
  if (example === undefined) return { skip: `${event.name} has no example in the spec, and no valid payload could be generated from its schema` };
  if (!isObj(example)) return { request: clone(example) };
  const request = clone(example);
  const reaction = event.reaction;
  for (const a of asList(reaction?.actor)) {
    const path = requestPath(a);
    if (path?.length) setUser(request, path, [binding.actor]);
  }

  const alternatives = asList(reaction?.conversation) as ConversationRef[];
  const conv = binding.conversation;
  let chosen = conv ? alternatives.findIndex((a) => 'id' in a) : alternatives.findIndex((a) => 'kind' in a);
  if (chosen < 0) chosen = 0;
  // Earlier alternatives must not apply: their fields go.
  for (const alt of alternatives.slice(0, chosen)) {
    const first = requestPathsIn('id' in alt ? alt.id : alt.participants).find((p) => p.length > 0);
    if (first) deletePath(request, first);
  }
  const alt = alternatives[chosen];
  if (alt && 'id' in alt) {
    const path = requestPath(alt.id);
    if (path?.length) {
      if (!conv) return { skip: `${event.name} names its conversation by id, and the case has none` };
      setPath(request, path, conv.id);
    }
  } else if (alt && 'participants' in alt) {
    for (const path of requestPathsIn(alt.participants)) if (path.length && binding.peer) setUser(request, path, [binding.peer]);
    // The conversation's scope (a product), where the request names it.
    (alt.scope ?? []).forEach((e, i) => {
      const path = requestPath(e);
      if (path?.length && conv && conv.scope[i] !== undefined) setPath(request, path, conv.scope[i]);
    });
  }

  const effect = reaction?.effect;
  if (effect && typeof effect === 'object') {
    const e = effect as Record<string, Record<string, unknown> | undefined>;
    const key = requestPath(e.storeMessage?.clientId ?? e.storeMedia?.clientId);
    if (key?.length && getPath(request, key) !== undefined) setPath(request, key, freshLike(getPath(request, key), binding.unique));
    // Generated bytes are a PNG pixel: their declared type says so.
    const mimeType = requestPath(e.storeMedia?.mimeType);
    if (mimeType?.length && event.examples.length === 0) setPath(request, mimeType, 'image/png');
    const participants = requestPathsIn(e.createConversation?.participants).find((p) => p.length);
    if (participants && binding.peer) setUser(request, participants, [binding.peer]);
    const id = requestPath(e.createConversation?.id);
    if (id?.length && getPath(request, id) !== undefined) setPath(request, id, freshLike(getPath(request, id), binding.unique));
  }

  const messages = messagePaths(reaction?.guards, effect);
  if (messages.length) {
    if (!binding.message) return { skip: `${event.name} acts on a message, and the case has none` };
    for (const path of messages) setPath(request, path, binding.message.id);
  }
  return { request };
}

