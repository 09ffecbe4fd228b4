/**
 * Requests bound to a case (src/contract/requests.ts): every client event of the four specs, its
 * example with the actor's id in the actor fields, the conversation's id (or the peer) in the
 * fields naming the conversation, the message's id in those naming a message and a fresh
 * idempotency key; each such request valid against the spec. And why a request cannot be made
 * when the case lacks what the event acts on.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bindRequest, createsConversation, freshLike, namesConversationById, needsMessage, type Binding } from '../../../src/contract/requests.js';
import { ShadowState, type ShadowConversation, type ShadowMessage } from '../../../src/contract/shadow.js';
import { rolesOf, UserFactory, type TestUser } from '../../../src/contract/users.js';
import type { ConversationKind } from '../../../src/behaviour/index.js';
import { loadValidate, type Validate } from '../../../src/spec/event-validators.js';
import type { EventModel, NamespaceModel, ProtocolModel } from '../../../src/spec/model.js';
import { loadSpec, validPayload, type Protocol } from '../../helpers/specs.js';

const PROTOCOLS = ['messenger', 'rooms', 'marketplace', 'teamchat'] as const;
const CONV_ID = '665f1c2e9b1e8a0012345678';
const MSG_ID = '665f1c2e9b1e8a0012345679';
const KIND: Record<Protocol, ConversationKind> = { messenger: 'direct', rooms: 'group', marketplace: 'product', teamchat: 'group' };
const SCOPE: Record<Protocol, unknown[]> = { messenger: [], rooms: [], marketplace: ['p-42'], teamchat: [] };

interface World {
  readonly model: ProtocolModel;
  readonly validate: Validate;
  readonly actor: TestUser;
  readonly peer: TestUser;
  readonly conversation: ShadowConversation;
  readonly message: ShadowMessage;
}

/** Per spec: the users (seed 7), a conversation of theirs with one message of the actor's, the ids learnt. */
async function worldOf(protocol: Protocol): Promise<World> {
  const model = loadSpec(protocol).model;
  const make = new UserFactory(model, 700);
  const actor = make.user('ada');
  const peer = make.user('bob', make.counterpartRole(actor.role));
  const roles = rolesOf(model);
  const shadow = new ShadowState(roles ? (roles.counterpart ?? {}) : undefined);
  const conversation = shadow.createConversation({ kind: KIND[protocol], participants: [actor.key, peer.key], scope: SCOPE[protocol], request: {} });
  const message = shadow.storeMessage({ conversation, sender: actor.key, request: {}, presenceNamespace: '/' });
  shadow.learn(conversation.id, CONV_ID);
  shadow.learn(message.id, MSG_ID);
  return { model, validate: (await loadValidate(model)).validate, actor, peer, conversation, message };
}

const worlds = {} as Record<Protocol, World>;
beforeAll(async () => {
  for (const p of PROTOCOLS) worlds[p] = await worldOf(p);
});

function eventOf(protocol: Protocol, name: string): { ns: NamespaceModel; event: EventModel } {
  for (const ns of worlds[protocol].model.namespaces) {
    const event = ns.events.find((e) => e.direction === 'client' && e.name === name);
    if (event) return { ns, event };
  }
  throw new Error(`${protocol} has no client event ${name}`);
}

type Has = 'none' | 'conversation' | 'message';
function binding(w: World, has: Has, unique = 1): Binding {
  return { actor: w.actor, peer: w.peer, unique, ...(has !== 'none' ? { conversation: w.conversation } : {}), ...(has === 'message' ? { message: w.message } : {}) };
}

/** A copy of JSON-like data, bytes kept as they are. */
const copy = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(copy) : v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v;

/** Sets dotted paths in a copy of the example. */
function patched(example: unknown, patch: Record<string, unknown>): unknown {
  const out = copy(example) as Record<string, unknown>;
  for (const [dotted, value] of Object.entries(patch)) {
    const keys = dotted.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = value;
  }
  return out;
}

const FRESH_TEXT = expect.stringMatching(/^parley-[0-9a-z]+$/);
const FRESH_OBJECT_ID = expect.stringMatching(/^[0-9a-f]{24}$/);

// A: the actor's id, P: the peer's, C: the conversation's, M: the message's. Each row: the event,
// what the binding has, and the fields that differ from the spec's example.
type Ids = { A: string | number; P: string | number; C: string; M: string };
const BOUND: [string, { protocol: Protocol; event: string; has: Has; patch: (ids: Ids) => Record<string, unknown> }][] = [
  ['messenger sendMessage', { protocol: 'messenger', event: 'sendMessage', has: 'none', patch: ({ A, P }) => ({ senderid: A, receiverid: P, messageid: FRESH_TEXT }) }],
  ['messenger sendMedia (generated)', { protocol: 'messenger', event: 'sendMedia', has: 'none', patch: ({ A, P }) => ({ senderid: A, receiverid: P, messageid: FRESH_TEXT, mimeType: 'image/png' }) }],
  ['messenger deleteMessage', { protocol: 'messenger', event: 'deleteMessage', has: 'message', patch: ({ A, P, M }) => ({ senderid: A, receiverid: P, chatid: M }) }],
  ['messenger seeMessage', { protocol: 'messenger', event: 'seeMessage', has: 'conversation', patch: ({ A, P }) => ({ userid: A, senderid: P }) }],
  ['rooms connected', { protocol: 'rooms', event: 'connected', has: 'none', patch: ({ A }) => ({ 'user.user_id': A }) }],
  ['rooms get_chats', { protocol: 'rooms', event: 'get_chats', has: 'none', patch: ({ A }) => ({ 'user.user_id': A }) }],
  ['rooms new_room_create', { protocol: 'rooms', event: 'new_room_create', has: 'none', patch: ({ A, P }) => ({ 'user.user_id': A, participants: [{ user_id: P, email: 'nitesh.kumar+1@techstriker.com', name: 'Ravi' }] }) }],
  ['rooms new_message', { protocol: 'rooms', event: 'new_message', has: 'conversation', patch: ({ A, C }) => ({ 'user.user_id': A, room: C, client_id: FRESH_TEXT }) }],
  ['rooms typing_start', { protocol: 'rooms', event: 'typing_start', has: 'conversation', patch: ({ A, C }) => ({ 'user.user_id': A, room: C }) }],
  ['rooms typing_end', { protocol: 'rooms', event: 'typing_end', has: 'conversation', patch: ({ A, C }) => ({ 'user.user_id': A, room: C }) }],
  ['rooms online_status', { protocol: 'rooms', event: 'online_status', has: 'none', patch: ({ A }) => ({ user_id: A }) }],
  ['marketplace joinChat', { protocol: 'marketplace', event: 'joinChat', has: 'conversation', patch: ({ C }) => ({ chatId: C }) }],
  ['marketplace joinRooms', { protocol: 'marketplace', event: 'joinRooms', has: 'none', patch: () => ({}) }],
  ['marketplace sendMessage, first', { protocol: 'marketplace', event: 'sendMessage', has: 'none', patch: ({ P }) => ({ recipientId: P }) }],
  ['marketplace sendMessage, in the chat', { protocol: 'marketplace', event: 'sendMessage', has: 'conversation', patch: ({ P }) => ({ recipientId: P, productId: 'p-42' }) }],
  ['marketplace markAsRead', { protocol: 'marketplace', event: 'markAsRead', has: 'conversation', patch: ({ P }) => ({ recipientId: P, productId: 'p-42' }) }],
  ['marketplace deleteMessage', { protocol: 'marketplace', event: 'deleteMessage', has: 'message', patch: ({ P, M }) => ({ recipientId: P, productId: 'p-42', messageId: M }) }],
  ['marketplace typing', { protocol: 'marketplace', event: 'typing', has: 'conversation', patch: ({ P }) => ({ recipientId: P, productId: 'p-42' }) }],
  ['marketplace stoppedTyping', { protocol: 'marketplace', event: 'stoppedTyping', has: 'conversation', patch: ({ P }) => ({ recipientId: P, productId: 'p-42' }) }],
  ['marketplace getUserChats', { protocol: 'marketplace', event: 'getUserChats', has: 'none', patch: () => ({}) }],
  ['teamchat connectRooms', { protocol: 'teamchat', event: 'connectRooms', has: 'none', patch: ({ A }) => ({ user_id: A }) }],
  ['teamchat sendMessage', { protocol: 'teamchat', event: 'sendMessage', has: 'conversation', patch: ({ A, C }) => ({ sender_id: A, room_id: C }) }],
  ['teamchat typing', { protocol: 'teamchat', event: 'typing', has: 'conversation', patch: ({ C }) => ({ room_id: C }) }],
  ['teamchat sendNewMessage, first', { protocol: 'teamchat', event: 'sendNewMessage', has: 'none', patch: ({ A, P }) => ({ 'message.sender_id': A, recipient_id: [P], 'message._id': FRESH_OBJECT_ID }) }],
  // With a conversation the room names it; recipient_id is left as the example has it.
  ['teamchat sendNewMessage, in the room', { protocol: 'teamchat', event: 'sendNewMessage', has: 'conversation', patch: ({ A, C }) => ({ 'message.sender_id': A, 'message.room_id': C, 'message._id': FRESH_OBJECT_ID }) }],
  ['teamchat createGroup', { protocol: 'teamchat', event: 'createGroup', has: 'none', patch: ({ A, P }) => ({ creator_id: A, recipients: [P], _id: FRESH_OBJECT_ID }) }],
  ['teamchat deleteMessage', { protocol: 'teamchat', event: 'deleteMessage', has: 'message', patch: ({ A, C, M }) => ({ user_id: A, room_id: C, message_id: M }) }],
  ['teamchat editMessage', { protocol: 'teamchat', event: 'editMessage', has: 'message', patch: ({ A, C, M }) => ({ user_id: A, room_id: C, message_id: M }) }],
  ['teamchat messageSeen', { protocol: 'teamchat', event: 'messageSeen', has: 'message', patch: ({ C, M }) => ({ room_id: C, message_id: M }) }],
  ['teamchat pinMessage', { protocol: 'teamchat', event: 'pinMessage', has: 'message', patch: ({ C, M }) => ({ room_id: C, _id: M }) }],
];

describe('bindRequest', () => {
  it('the table covers every client event of every spec', () => {
    const all = PROTOCOLS.flatMap((p) => worlds[p].model.namespaces.flatMap((ns) => ns.events.filter((e) => e.direction === 'client').map((e) => `${p} ${e.name}`)));
    expect([...new Set(BOUND.map(([, r]) => `${r.protocol} ${r.event}`))].sort()).toEqual([...new Set(all)].sort());
  });

  it.each(BOUND)('%s: the example, bound to the case, valid against the spec', (_name, { protocol, event: name, has, patch }) => {
    const w = worlds[protocol];
    const { ns, event } = eventOf(protocol, name);
    const example = validPayload(protocol, ns, event);
    const before = JSON.stringify(example);
    const bound = bindRequest(event, binding(w, has), event.examples.length ? undefined : example);
    expect(bound).toEqual({ request: patched(example, patch({ A: w.actor.id, P: w.peer.id, C: CONV_ID, M: MSG_ID })) });
    const request = (bound as { request: unknown }).request;
    expect(w.validate(ns.path, 'client', name, request)).toEqual([]);
    // The spec's example itself is left as it was.
    expect(JSON.stringify(example)).toBe(before);
  });

  // The idempotency key (or the id of a conversation to create), fresh per binding: never the
  // example's, never another binding's.
  const FRESH: [string, { protocol: Protocol; event: string; has: Has; path: string[]; shape: RegExp }][] = [
    ['messenger sendMessage messageid', { protocol: 'messenger', event: 'sendMessage', has: 'none', path: ['messageid'], shape: /^parley-/ }],
    ['rooms new_message client_id', { protocol: 'rooms', event: 'new_message', has: 'conversation', path: ['client_id'], shape: /^parley-/ }],
    ['teamchat sendNewMessage message._id', { protocol: 'teamchat', event: 'sendNewMessage', has: 'none', path: ['message', '_id'], shape: /^[0-9a-f]{24}$/ }],
    ['teamchat createGroup _id', { protocol: 'teamchat', event: 'createGroup', has: 'none', path: ['_id'], shape: /^[0-9a-f]{24}$/ }],
  ];
  it.each(FRESH)('%s: fresh, and different between two bindings', (_name, { protocol, event: name, has, path, shape }) => {
    const w = worlds[protocol];
    const { event } = eventOf(protocol, name);
    const at = (v: unknown) => path.reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], v);
    const one = at((bindRequest(event, binding(w, has, 1)) as { request: unknown }).request);
    const two = at((bindRequest(event, binding(w, has, 2)) as { request: unknown }).request);
    expect(one).toMatch(shape);
    expect(two).toMatch(shape);
    expect(one).not.toBe(two);
    expect(one).not.toBe(at(event.examples[0]!.payload));
  });

  it('the identity case: the same event bound to another user names them as the actor', () => {
    const w = worlds.messenger;
    const { event } = eventOf('messenger', 'sendMessage');
    const impostor = bindRequest(event, { ...binding(w, 'none'), actor: { ...w.peer, key: w.actor.key } });
    expect(impostor).toMatchObject({ request: { senderid: w.peer.id } });
  });

  const SKIPS: [string, { protocol: Protocol; event: string; has: Has; generated?: boolean; reason: string }][] = [
    ['messenger sendMedia without a generated payload', { protocol: 'messenger', event: 'sendMedia', has: 'none', generated: false, reason: 'sendMedia has no example in the spec, and no valid payload could be generated from its schema' }],
    ['messenger deleteMessage without a message', { protocol: 'messenger', event: 'deleteMessage', has: 'none', reason: 'deleteMessage acts on a message, and the case has none' }],
    ['messenger deleteMessage with a conversation and no message', { protocol: 'messenger', event: 'deleteMessage', has: 'conversation', reason: 'deleteMessage acts on a message, and the case has none' }],
    ['rooms new_message without a conversation', { protocol: 'rooms', event: 'new_message', has: 'none', reason: 'new_message names its conversation by id, and the case has none' }],
    ['rooms typing_start without a conversation', { protocol: 'rooms', event: 'typing_start', has: 'none', reason: 'typing_start names its conversation by id, and the case has none' }],
    ['rooms typing_end without a conversation', { protocol: 'rooms', event: 'typing_end', has: 'none', reason: 'typing_end names its conversation by id, and the case has none' }],
    ['marketplace deleteMessage without a message', { protocol: 'marketplace', event: 'deleteMessage', has: 'conversation', reason: 'deleteMessage acts on a message, and the case has none' }],
    ['teamchat sendMessage without a conversation', { protocol: 'teamchat', event: 'sendMessage', has: 'none', reason: 'sendMessage names its conversation by id, and the case has none' }],
    ['teamchat typing without a conversation', { protocol: 'teamchat', event: 'typing', has: 'none', reason: 'typing names its conversation by id, and the case has none' }],
    ['teamchat deleteMessage without a conversation', { protocol: 'teamchat', event: 'deleteMessage', has: 'none', reason: 'deleteMessage names its conversation by id, and the case has none' }],
    ['teamchat deleteMessage without a message', { protocol: 'teamchat', event: 'deleteMessage', has: 'conversation', reason: 'deleteMessage acts on a message, and the case has none' }],
    ['teamchat editMessage without a message', { protocol: 'teamchat', event: 'editMessage', has: 'conversation', reason: 'editMessage acts on a message, and the case has none' }],
    ['teamchat messageSeen without a message', { protocol: 'teamchat', event: 'messageSeen', has: 'conversation', reason: 'messageSeen acts on a message, and the case has none' }],
    ['teamchat pinMessage without a conversation', { protocol: 'teamchat', event: 'pinMessage', has: 'none', reason: 'pinMessage names its conversation by id, and the case has none' }],
  ];
  it.each(SKIPS)('%s: skipped', (_name, { protocol, event: name, has, reason }) => {
    const { event } = eventOf(protocol, name);
    expect(bindRequest(event, binding(worlds[protocol], has))).toEqual({ skip: reason });
  });

  it('a payload that is not an object is copied as it is', () => {
    const { event } = eventOf('messenger', 'sendMedia');
    expect(bindRequest(event, binding(worlds.messenger, 'none'), 'ping')).toEqual({ request: 'ping' });
    expect(bindRequest(event, binding(worlds.messenger, 'none'), [1, 2])).toEqual({ request: [1, 2] });
  });
});

describe('what an event needs', () => {
  // [protocol, event, needsMessage, namesConversationById, createsConversation]
  const FLAGS: [Protocol, string, boolean, boolean, boolean][] = [
    ['messenger', 'sendMessage', false, false, true],
    ['messenger', 'sendMedia', false, false, true],
    ['messenger', 'deleteMessage', true, false, false],
    ['messenger', 'seeMessage', false, false, false],
    ['rooms', 'connected', false, false, false],
    ['rooms', 'get_chats', false, false, false],
    ['rooms', 'new_room_create', false, false, true],
    ['rooms', 'new_message', false, true, false],
    ['rooms', 'typing_start', false, true, false],
    ['rooms', 'typing_end', false, true, false],
    ['rooms', 'online_status', false, false, false],
    ['marketplace', 'joinChat', false, true, false],
    ['marketplace', 'joinRooms', false, false, false],
    ['marketplace', 'sendMessage', false, false, true],
    ['marketplace', 'markAsRead', false, false, false],
    ['marketplace', 'deleteMessage', true, false, false],
    ['marketplace', 'typing', false, false, false],
    ['marketplace', 'stoppedTyping', false, false, false],
    ['marketplace', 'getUserChats', false, false, false],
    ['teamchat', 'connectRooms', false, false, false],
    ['teamchat', 'sendMessage', false, true, false],
    ['teamchat', 'typing', false, true, false],
    ['teamchat', 'sendNewMessage', false, true, true],
    ['teamchat', 'createGroup', false, false, true],
    ['teamchat', 'deleteMessage', true, true, false],
    ['teamchat', 'editMessage', true, true, false],
    ['teamchat', 'messageSeen', true, true, false],
    ['teamchat', 'pinMessage', true, true, false],
  ];
  it.each(FLAGS)('%s %s: needs a message %s, names its conversation by id %s, creates one %s', (protocol, name, message, byId, creates) => {
    const { event } = eventOf(protocol, name);
    expect([needsMessage(event), namesConversationById(event), createsConversation(event)]).toEqual([message, byId, creates]);
  });
});

describe('freshLike', () => {
  const SHAPES: [string, { example: unknown; check: (v: unknown) => boolean }][] = [
    ['a number: a safe integer made of the time', { example: 42, check: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v > Date.now() }],
    ['an ObjectId', { example: '665f1c2e9b1e8a0012345678', check: (v) => typeof v === 'string' && /^[0-9a-f]{24}$/.test(v) && v !== '665f1c2e9b1e8a0012345678' }],
    ['an ObjectId in capitals', { example: '665F1C2E9B1E8A0012345678', check: (v) => typeof v === 'string' && /^[0-9a-f]{24}$/.test(v) }],
    ['a UUID', { example: '1770ddc5-429c-4bdf-ae87-249da802d6c0', check: (v) => typeof v === 'string' && /^00000000-0000-4000-8000-[0-9a-f]{12}$/.test(v) }],
    ['a client id', { example: 'c-1700000000000-1', check: (v) => typeof v === 'string' && /^parley-[0-9a-z]+$/.test(v) }],
    ['an empty string', { example: '', check: (v) => typeof v === 'string' && /^parley-[0-9a-z]+$/.test(v) }],
    ['23 hex digits: a string', { example: '665f1c2e9b1e8a001234567', check: (v) => typeof v === 'string' && /^parley-/.test(v) }],
    ['no example', { example: undefined, check: (v) => typeof v === 'string' && /^parley-/.test(v) }],
  ];
  it.each(SHAPES)('%s', (_name, { example, check }) => {
    const one = freshLike(example, 1);
    const two = freshLike(example, 2);
    expect(check(one), String(one)).toBe(true);
    expect(check(two), String(two)).toBe(true);
    expect(one).not.toEqual(two);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('the same call a millisecond later gives another value', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_767_000_000_000);
    const before = [freshLike(42, 1), freshLike('665f1c2e9b1e8a0012345678', 1), freshLike('1770ddc5-429c-4bdf-ae87-249da802d6c0', 1), freshLike('c-1', 1)];
    now.mockReturnValue(1_767_000_000_001);
    const after = [freshLike(42, 1), freshLike('665f1c2e9b1e8a0012345678', 1), freshLike('1770ddc5-429c-4bdf-ae87-249da802d6c0', 1), freshLike('c-1', 1)];
    before.forEach((v, i) => expect(v).not.toEqual(after[i]));
  });

  it('a number is not repeated 1,000 seconds later', () => {
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_767_000_000_000);
    const earlier = freshLike(42, 1);
    now.mockReturnValue(1_767_000_000_000 + 1_000_000);
    expect(freshLike(42, 1)).not.toBe(earlier);
  });
});
