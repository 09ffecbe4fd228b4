/**
 * Believable client requests, made up by the mock: what a fake peer sends (chatter), and what
 * the playground's editor is prefilled with. A request is a generated payload of the client
 * event (the spec's examples first), bound to a user and one of their conversations the way the
 * event's `x-socketio` reads it: the actor fields name the user, the conversation fields name
 * the conversation, the text is a chat line, a message id names a message of the conversation.
 */
import type { EventModel } from '../../src/spec/model.js';
import { asList, type ConversationRef } from '../../src/spec/vocabulary.js';
import type { MockContext } from '../context.js';
import { isUserSchema } from '../spec/entities.js';
import { requestPath, requestPathsIn } from '../../src/behaviour/index.js';
import { deletePath, getPath, parsePath, setPath, type Segment } from '../../src/spec/paths.js';
import { Renderer } from './render.js';
import type { ConversationRecord, UserKey } from '../state/state.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RequestBinding {
  /** Who sends it. */
  readonly actor: UserKey;
  /** The conversation it is about, if any. */
  readonly conversation?: ConversationRecord;
  /** The user it is addressed to when there is no conversation yet (a first message). */
  readonly peer?: UserKey;
  /** The namespace, for validation. */
  readonly namespace: string;
}

/** A valid request of a client event, bound as described; undefined when none can be made. */
export function fakeRequest(ctx: MockContext, event: EventModel, binding: RequestBinding): unknown {
  const index = ctx.spec.index;
  const validate = (p: unknown) => ctx.spec.validate(binding.namespace, 'client', event.name, p);
  const key = ctx.factory.forEvent(event, binding.namespace, (p) => validate(p).length === 0);
  let request = ctx.factory.sample(key, ctx.rng);
  if (!isObj(request)) return request;
  const reaction = event.reaction;
  const renderer = new Renderer(ctx, ctx.store);
  const view = { viewer: binding.actor, presenceNamespace: binding.namespace };
  const users = ctx.users;
  const set = (path: Segment[], value: unknown) => setPath(request as Obj, path, value);

  /** Sets a user reference: an id, or a user object where the schema has one. */
  const setUser = (path: Segment[], userKey: UserKey) => {
    set(path, users.idOf(userKey));
    const parentPath = path.slice(0, -1);
    const parentSchema = index.at(event.payload, parentPath);
    const parent = parentPath.length ? getPath(request, parentPath) : request;
    if (parentPath.length && isObj(parent) && isUserSchema(index, parentSchema)) renderer.user(parent, parentSchema, userKey, view);
  };

  for (const a of asList(reaction?.actor)) {
    const path = requestPath(a);
    if (path) setUser(path, binding.actor);
  }

  const others = binding.conversation ? binding.conversation.participants.filter((p) => p !== binding.actor) : binding.peer ? [binding.peer] : [];
  const alternatives = asList(reaction?.conversation) as ConversationRef[];
  const conv = binding.conversation;
  // An existing conversation is named by id where the event allows it; a new one by its participants.
  let chosen = conv
    ? alternatives.findIndex((a) => 'id' in a)
    : alternatives.findIndex((a) => 'kind' in a && a.create === true);
  if (chosen < 0) chosen = conv ? alternatives.findIndex((a) => 'kind' in a && a.kind === conv.kind) : -1;
  if (chosen < 0) chosen = 0;
  // Earlier alternatives must not apply: their fields go.
  alternatives.slice(0, chosen).forEach((alt) => {
    const first = requestPathsIn('id' in alt ? alt.id : alt.participants).find((p) => p.length > 0);
    if (first) deletePath(request, first);
  });
  const alt = alternatives[chosen];
  if (alt && 'id' in alt && conv) {
    const path = requestPath(alt.id);
    if (path) set(path, conv.id);
  } else if (alt && 'participants' in alt) {
    requestPathsIn(alt.participants).forEach((path, i) => {
      const other = others[i] ?? others[0];
      if (other !== undefined) setUser(path, other);
    });
    (alt.scope ?? []).forEach((e, i) => {
      const path = requestPath(e);
      if (path && conv && conv.scope[i] !== undefined) set(path, conv.scope[i]);
    });
  }

  const effect = reaction?.effect;
  if (effect && typeof effect === 'object') {
    const e = effect as Record<string, Record<string, unknown>>;
    const text = requestPath(e.storeMessage?.text ?? e.editMessage?.text);
    if (text) set(text, ctx.realism.value('chatText', ctx.rng));
    const clientId = requestPath(e.storeMessage?.clientId);
    if (clientId && getPath(request, clientId) !== undefined) {
      const component = (index.at(event.payload, clientId) as { $ref?: string } | undefined)?.$ref?.split('/').pop();
      set(clientId, ctx.realism.id(component, ctx.rng));
    }
    const participants = requestPath(e.createConversation?.participants) ?? requestPathsIn(e.createConversation?.participants).find((p) => p.length);
    if (participants && others.length) {
      const schema = index.at(event.payload, participants);
      const items = index.items(schema);
      set(participants, others.map((o) => (index.isObject(items) ? renderer.user(renderer.sampleOf(items), items, o, view) : users.idOf(o))));
    }
    const name = requestPath(e.createConversation?.name);
    if (name && getPath(request, name) !== undefined) set(name, ctx.realism.value('groupName', ctx.rng));
  }

  // Fields naming a message: one of the conversation's (the actor's own where only the sender may act).
  if (conv) {
    const own = (reaction?.guards ?? []).some((g) => typeof g === 'object' && ('messageSender' in g || ('check' in g && typeof g.check === 'object' && 'messageSender' in g.check)));
    const messages = ctx.store.messagesOf(conv).filter((m) => !own || m.sender === binding.actor);
    for (const g of reaction?.guards ?? []) {
      const check = typeof g === 'object' && 'check' in g ? g.check : g;
      if (typeof check !== 'object' || !('messageInConversation' in check)) continue;
      const path = requestPath(check.messageInConversation);
      if (path && messages[0]) set(path, messages[0].id);
    }
  }

  // Anything still wrong gets a generated value of its own schema.
  for (let attempt = 0; attempt < 6; attempt++) {
    const problems = validate(request);
    if (problems.length === 0) return request;
    const path = parsePath(problems[0]!.field);
    if (path.length === 0) return undefined;
    if (/is not allowed/.test(problems[0]!.message)) {
      deletePath(request, path);
      continue;
    }
    const schema = index.at(event.payload, path);
    if (schema === undefined) return undefined;
    set(path, ctx.factory.sample(ctx.factory.forSchema(schema), ctx.rng));
  }
  ctx.logger.debug({ event: event.name, problems: validate(request) }, 'could not make a valid request');
  request = undefined;
  return request;
}
