/**
 * Where conversations and messages sit in server payloads (src/contract/lists.ts): the places
 * found from each spec's schemas (`x-parley-entity`), whether each is a list, and the objects
 * at a place in the specs' own examples and in small payloads.
 */
import { describe, expect, it } from 'vitest';
import { entityPlaces, isList } from '../../../src/contract/lists.js';
import { objectsAt } from '../../../src/spec/paths.js';
import type { EventModel, ProtocolModel } from '../../../src/spec/model.js';
import { loadSpec, type Protocol } from '../../helpers/specs.js';

const PROTOCOLS = ['messenger', 'rooms', 'marketplace', 'teamchat'] as const;
const models = Object.fromEntries(PROTOCOLS.map((p) => [p, loadSpec(p).model])) as Record<Protocol, ProtocolModel>;

function serverEvent(protocol: Protocol, namespace: string, name: string): EventModel {
  const event = models[protocol].namespaces.find((ns) => ns.path === namespace)?.events.find((e) => e.direction === 'server' && e.name === name);
  if (!event) throw new Error(`${protocol} ${namespace} sends no ${name}`);
  return event;
}

/** A place as `path kind id [conversation field]`, list or one. */
const describePlace = (p: ReturnType<typeof entityPlaces>[number]) =>
  `${p.path.join('.') || '(payload)'} ${p.kind} ${p.entity.id}${p.entity.conversation ? ` in ${p.entity.conversation}` : ''}${isList(p) ? ' (list)' : ''}`;

describe('entityPlaces', () => {
  const PLACES: [string, { protocol: Protocol; namespace: string; event: string; want: string[] }][] = [
    ['rooms set_chats: the rooms, each with its last message', { protocol: 'rooms', namespace: '/', event: 'set_chats', want: ['chats.* conversation _id (list)', 'chats.*.last_message message _id in room (list)'] }],
    ['rooms add_room: one room', { protocol: 'rooms', namespace: '/', event: 'add_room', want: ['channel conversation _id', 'channel.last_message message _id in room'] }],
    ['rooms message_broadcast: one message', { protocol: 'rooms', namespace: '/', event: 'message_broadcast', want: ['message_body message _id in room'] }],
    ['marketplace userChats: the chats, each with its messages', { protocol: 'marketplace', namespace: '/chat', event: 'userChats', want: ['data.* conversation id (list)', 'data.*.messages.* message id in chatId (list)'] }],
    ['marketplace loadMessages: one chat, its messages a list', { protocol: 'marketplace', namespace: '/chat', event: 'loadMessages', want: ['data conversation id', 'data.messages.* message id in chatId (list)'] }],
    ['marketplace offlineMessages', { protocol: 'marketplace', namespace: '/chat', event: 'offlineMessages', want: ['data.* message id in chatId (list)'] }],
    ['marketplace newChat', { protocol: 'marketplace', namespace: '/chat', event: 'newChat', want: ['message conversation id', 'message.messages.* message id in chatId (list)'] }],
    ['marketplace receiveMessage', { protocol: 'marketplace', namespace: '/chat', event: 'receiveMessage', want: ['data.* message id in chatId (list)'] }],
    ['teamchat connectRooms: the user’s rooms, the payload a list', { protocol: 'teamchat', namespace: '/', event: 'connectRooms', want: ['* conversation _id (list)'] }],
    ['teamchat message: the payload is the message', { protocol: 'teamchat', namespace: '/', event: 'message', want: ['(payload) message _id in room_id'] }],
    ['teamchat group_{userId}: the payload is the room', { protocol: 'teamchat', namespace: '/', event: 'group_{userId}', want: ['(payload) conversation _id'] }],
    ['messenger newThread: a thread, no list', { protocol: 'messenger', namespace: '/', event: 'newThread', want: ['(payload) conversation _id'] }],
    ['messenger newMessage', { protocol: 'messenger', namespace: '/', event: 'newMessage', want: ['(payload) message _id'] }],
    ['messenger error: nothing', { protocol: 'messenger', namespace: '/', event: 'error', want: [] }],
    ['marketplace userTyping: nothing', { protocol: 'marketplace', namespace: '/chat', event: 'userTyping', want: [] }],
  ];
  it.each(PLACES)('%s', (_name, { protocol, namespace, event, want }) => {
    expect(entityPlaces(models[protocol], serverEvent(protocol, namespace, event).payload).map(describePlace)).toEqual(want);
  });

  it.each(PROTOCOLS)('%s: the lists among all server events', (protocol) => {
    const lists = models[protocol].namespaces.flatMap((ns) =>
      ns.events.filter((e) => e.direction === 'server' && entityPlaces(models[protocol], e.payload).some(isList)).map((e) => `${ns.path} ${e.name}`),
    );
    const want: Record<Protocol, string[]> = {
      messenger: [],
      rooms: ['/ set_chats'],
      marketplace: ['/chat userChats', '/chat offlineMessages', '/chat loadMessages', '/chat newChat', '/chat receiveMessage'],
      teamchat: ['/ connectRooms'],
    };
    expect(lists.sort()).toEqual(want[protocol].sort());
  });

  // Inline schemas over messenger's entities (Thread: a conversation, NewMessage: a message).
  const INLINE: [string, { schema: unknown; want: string[] }][] = [
    ['not a schema', { schema: 'Thread', want: [] }],
    ['a $ref to an entity', { schema: { $ref: '#/components/schemas/Thread' }, want: ['(payload) conversation _id'] }],
    ['an array of them', { schema: { type: 'array', items: { $ref: '#/components/schemas/NewMessage' } }, want: ['* message _id (list)'] }],
    ['items without type: array', { schema: { items: { $ref: '#/components/schemas/NewMessage' } }, want: ['* message _id (list)'] }],
    ['under properties', { schema: { type: 'object', properties: { a: { $ref: '#/components/schemas/Thread' }, b: { type: 'string' } } }, want: ['a conversation _id'] }],
    ['in oneOf / anyOf / allOf branches, at the same path', {
      schema: { oneOf: [{ $ref: '#/components/schemas/Thread' }, { type: 'null' }], anyOf: [{ properties: { m: { $ref: '#/components/schemas/NewMessage' } } }], allOf: [{ type: 'object' }] },
      want: ['(payload) conversation _id', 'm message _id'],
    }],
    ['a $ref to a schema that is not an entity', { schema: { $ref: '#/components/schemas/UserId' }, want: [] }],
  ];
  it.each(INLINE)('%s', (_name, { schema, want }) => {
    expect(entityPlaces(models.messenger, schema).map(describePlace)).toEqual(want);
  });

  it('looks six levels deep, not further', () => {
    const nest = (levels: number) => {
      let schema: unknown = { $ref: '#/components/schemas/Thread' };
      for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { x: schema } };
      return schema;
    };
    expect(entityPlaces(models.messenger, nest(6)).map((p) => p.path.length)).toEqual([6]);
    expect(entityPlaces(models.messenger, nest(7))).toEqual([]);
  });
});

describe('objectsAt', () => {
  const ids = (objects: Record<string, unknown>[], key: string) => objects.map((o) => o[key]);
  const example = (protocol: Protocol, namespace: string, event: string, i = 0) => serverEvent(protocol, namespace, event).examples[i]!.payload;

  const EXAMPLES: [string, { payload: () => unknown; path: string[]; key: string; want: unknown[] }][] = [
    ['marketplace userChats: the chats', { payload: () => example('marketplace', '/chat', 'userChats'), path: ['data', '*'], key: 'id', want: ['67c041dd744c61c167a18a32'] }],
    ['marketplace userChats #2: two chats', { payload: () => example('marketplace', '/chat', 'userChats', 1), path: ['data', '*'], key: 'id', want: ['67c605dec4286fc53e2ad992', '67c60a31d1c7e0bc9ba5460c'] }],
    ['marketplace userChats #2: every chat’s messages, in order', {
      payload: () => example('marketplace', '/chat', 'userChats', 1),
      path: ['data', '*', 'messages', '*'],
      key: 'chatId',
      want: ['67c605dec4286fc53e2ad992', '67c605dec4286fc53e2ad992', '67c605dec4286fc53e2ad992', '67c60a31d1c7e0bc9ba5460c', '67c60a31d1c7e0bc9ba5460c'],
    }],
    ['marketplace loadMessages: the one chat', { payload: () => example('marketplace', '/chat', 'loadMessages'), path: ['data'], key: 'id', want: ['67c782b71fdd817ba74f45a2'] }],
    ['marketplace loadMessages: its messages', { payload: () => example('marketplace', '/chat', 'loadMessages'), path: ['data', 'messages', '*'], key: 'id', want: ['67c78643a1fdd817ba74f45b', '67c7863673e79b84cc9e81e8', '67c785cb39c67ec89ca65f0f'] }],
    ['rooms set_chats: the rooms', { payload: () => example('rooms', '/', 'set_chats'), path: ['chats', '*'], key: '_id', want: ['6101a2f0e4c9786a417b4200', '6101a2f0e4c9786a417b4201'] }],
    ['rooms set_chats: last messages (a room without one adds none)', { payload: () => example('rooms', '/', 'set_chats'), path: ['chats', '*', 'last_message'], key: '_id', want: ['6101a3b1e4c9786a417b4301'] }],
    ['teamchat connectRooms: the rooms, the payload itself a list', { payload: () => example('teamchat', '/', 'connectRooms'), path: ['*'], key: '_id', want: ['663c8020fefd1941540edbca', '663b1e0afefd1941540edb11'] }],
    ['messenger newThread: the payload', { payload: () => example('messenger', '/', 'newThread'), path: [], key: '_id', want: ['665f1c2e9b1e8a0000000001'] }],
  ];
  it.each(EXAMPLES)('%s', (_name, { payload, path, key, want }) => {
    expect(ids(objectsAt(payload(), path), key)).toEqual(want);
  });

  const SMALL: [string, { payload: unknown; path: string[]; want: unknown[] }][] = [
    ['objects only: numbers, nulls and arrays in a list are skipped', { payload: { data: [{ id: 1 }, 2, null, [{ id: 3 }], { id: 4 }] }, path: ['data', '*'], want: [{ id: 1 }, { id: 4 }] }],
    ['a wildcard over an object gives nothing', { payload: { data: { a: { id: 1 } } }, path: ['data', '*'], want: [] }],
    ['a missing step gives nothing', { payload: { data: [] }, path: ['chats', '*'], want: [] }],
    ['an empty path over a list gives nothing', { payload: [{ id: 1 }], path: [], want: [] }],
    ['an empty path over a primitive gives nothing', { payload: 'x', path: [], want: [] }],
    ['a named step over an array gives nothing', { payload: [{ id: 1 }], path: ['0'], want: [] }],
    ['nested lists, flattened in order', { payload: { a: [{ b: [{ id: 1 }, { id: 2 }] }, { b: [] }, { b: [{ id: 3 }] }] }, path: ['a', '*', 'b', '*'], want: [{ id: 1 }, { id: 2 }, { id: 3 }] }],
  ];
  it.each(SMALL)('%s', (_name, { payload, path, want }) => {
    expect(objectsAt(payload, path)).toEqual(want);
  });

  it('returns the payload’s own objects, not copies', () => {
    const chat = { id: 'c1' };
    expect(objectsAt({ data: [chat] }, ['data', '*'])[0]).toBe(chat);
  });
});
