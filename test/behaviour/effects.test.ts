/**
 * Effects (CONVENTIONS.md §3.3), each applied on its own to an in-memory state: what each changes,
 * what it hands the state, what it binds in the scope (`$message`, `$conversation`,
 * pendingSenders), and the errors it throws.
 */
import { describe, expect, it } from 'vitest';
import type { Resolution } from '../../src/behaviour/conversations.js';
import { compileEffect } from '../../src/behaviour/effects.js';
import { newScope, type Actor, type Scope } from '../../src/behaviour/index.js';
import type { Effect } from '../../src/spec/vocabulary.js';
import { MemoryState, type MemoryConversation, type MemoryRecords } from './memory-state.js';
import { MemorySockets } from './memory-sockets.js';
import { refusal } from './refusal.js';

const ADA: Actor = { key: 'ada', id: 'ada', attributes: {} };
const BOB: Actor = { key: 'bob', id: 'bob', attributes: {} };

/** c1 (ada, bob) and c2 (ada, cy), empty; nobody online. */
function world() {
  const state = new MemoryState();
  const c1 = state.addConversation('c1', 'direct', ['ada', 'bob']);
  const c2 = state.addConversation('c2', 'direct', ['ada', 'cy']);
  return { state, c1, c2 };
}

interface Run {
  request?: unknown;
  actor?: Actor;
  /** The event's conversation (as the plan binds it from the resolution). */
  conversation?: MemoryConversation;
  resolution?: Resolution<MemoryRecords>;
  presenceNamespace?: string;
  join?: (rooms: string[]) => void;
}

/** Applies an effect to `state`; returns the scope, as the effect left it. */
function apply(effect: Effect | undefined, state: MemoryState, run: Run = {}): Scope<MemoryRecords> {
  const scope = newScope<MemoryRecords>(state, run.request ?? {}, run.actor ?? ADA);
  const resolution = run.resolution ?? (run.conversation ? { conversation: run.conversation, named: true } : { named: false });
  scope.conversation = resolution.conversation ?? run.conversation;
  scope.conversationExisted = scope.conversation !== undefined;
  compileEffect(effect)(scope, { state, resolution, presenceNamespace: run.presenceNamespace ?? '/', join: run.join });
  return scope;
}


/** Everything the state holds, as text. */
function snapshot(state: MemoryState): string {
  return JSON.stringify({
    conversations: [...state.conversations.values()],
    messages: [...state.messages.values()].map((m) => ({ ...m, readBy: [...m.readBy], pending: [...m.pending] })),
  });
}

describe('no change', () => {
  const cases: [string, Effect | undefined][] = [
    ['no effect', undefined],
    ['read', 'read'],
  ];
  it.each(cases)('%s changes nothing', (_name, effect) => {
    const { state, c1 } = world();
    state.addMessage(c1, 'bob');
    const before = snapshot(state);
    const scope = apply(effect, state, { conversation: c1, request: { message_id: 'm1' } });
    expect(snapshot(state)).toBe(before);
    expect(scope.message).toBeUndefined();
  });

  it('an unknown effect is refused when compiling', () => {
    expect(() => compileEffect({ archive: {} } as unknown as Effect)).toThrow('unknown effect {"archive":{}}');
  });
});

describe('storeMessage', () => {
  const STORE: Effect = { storeMessage: { text: '$request.message', clientId: '$request.messageid' } };

  it('stores a message from the actor in the conversation, with every argument evaluated', () => {
    const { state, c1 } = world();
    const request = { message: 'hi', messageid: 'k1', reply_to: 'm0', media: { url: 'http://x/a.png' } };
    const effect: Effect = { storeMessage: { text: '$request.message', clientId: '$request.messageid', kind: 'text', replyTo: '$request.reply_to', media: '$request.media' } };
    const scope = apply(effect, state, { conversation: c1, request, presenceNamespace: '/presence' });
    expect(state.stored).toEqual([
      { conversation: c1, sender: 'ada', text: 'hi', kind: 'text', media: { url: 'http://x/a.png' }, replyTo: 'm0', clientId: 'k1', file: undefined, request, textPath: ['message'], presenceNamespace: '/presence' },
    ]);
    expect(scope.message).toBe(state.message('m1'));
    expect(scope.message).toMatchObject({ id: 'm1', conversationId: 'c1', sender: 'ada', createdAt: state.time, text: 'hi' });
    expect(c1.messages).toEqual(['m1']);
    expect(state.unreadIn('c1', 'bob')).toBe(1);
    expect(state.unreadIn('c1', 'ada')).toBe(0);
  });

  const texts: [string, { request: unknown; want: string | undefined }][] = [
    ['a string', { request: { message: 'hi' }, want: 'hi' }],
    ['a number, as a string', { request: { message: 42 }, want: '42' }],
    ['the empty string', { request: { message: '' }, want: '' }],
    ['null: no text', { request: { message: null }, want: undefined }],
    ['absent: no text', { request: {}, want: undefined }],
  ];
  it.each(texts)('text: %s', (_name, { request, want }) => {
    const { state, c1 } = world();
    apply(STORE, state, { conversation: c1, request });
    expect(state.stored[0]!.text).toBe(want);
  });

  it('a text at a nested path: textPath is that path', () => {
    const { state, c1 } = world();
    apply({ storeMessage: { text: '$request.message.message' } }, state, { conversation: c1, request: { message: { message: 'hi' } } });
    expect(state.stored[0]).toMatchObject({ text: 'hi', textPath: ['message', 'message'] });
  });

  it('a literal text has no textPath', () => {
    const { state, c1 } = world();
    apply({ storeMessage: { text: 'joined' } }, state, { conversation: c1 });
    expect(state.stored[0]).toMatchObject({ text: 'joined', textPath: undefined });
  });

  const presence: [string, { online: [string, string][]; want: string[] }][] = [
    ['a recipient online in the presence namespace: delivered', { online: [['bob', '/presence']], want: [] }],
    ['a recipient offline: pending', { online: [], want: ['bob'] }],
    ['a recipient online in another namespace only: pending', { online: [['bob', '/']], want: ['bob'] }],
  ];
  it.each(presence)('%s', (_name, { online, want }) => {
    const { state, c1 } = world();
    for (const [key, ns] of online) state.setOnline(key, true, ns);
    const scope = apply(STORE, state, { conversation: c1, request: { message: 'hi' }, presenceNamespace: '/presence' });
    expect([...state.message(scope.message!.id)!.pending]).toEqual(want);
  });

  it('a retry with the same clientId is the message stored before: stored once', () => {
    const { state, c1 } = world();
    const first = apply(STORE, state, { conversation: c1, request: { message: 'hi', messageid: 'k1' } });
    state.tick();
    const retry = apply(STORE, state, { conversation: c1, request: { message: 'hi again', messageid: 'k1' } });
    expect(state.stored).toHaveLength(1);
    expect(retry.message).toBe(first.message);
    expect(retry.message!.text).toBe('hi');
    expect(c1.messages).toEqual(['m1']);
    expect(state.unreadIn('c1', 'bob')).toBe(1);
  });

  const notRetries: [string, { second: Run }][] = [
    ['another clientId', { second: { request: { message: 'b', messageid: 'k2' } } }],
    ['no clientId (twice)', { second: { request: { message: 'b' } } }],
    ['the same clientId from another sender', { second: { request: { message: 'b', messageid: 'k1' }, actor: BOB } }],
    ['the same clientId in another conversation', { second: { request: { message: 'b', messageid: 'k1' } } }],
  ];
  it.each(notRetries)('not a retry: %s', (name, { second }) => {
    const { state, c1, c2 } = world();
    const firstRequest = name === 'no clientId (twice)' ? { message: 'a' } : { message: 'a', messageid: 'k1' };
    apply(STORE, state, { conversation: c1, request: firstRequest });
    apply(STORE, state, { conversation: name.includes('another conversation') ? c2 : c1, ...second });
    expect(state.stored.map((m) => m.text)).toEqual(['a', 'b']);
  });

  const creations: [string, { missing: NonNullable<Resolution['missing']>; want: Record<string, unknown> }][] = [
    ['a direct conversation', { missing: { kind: 'direct', participants: ['ada', 'eve'], scope: [], create: true }, want: { kind: 'direct', participants: ['ada', 'eve'], scope: [], creator: undefined } }],
    ['a product conversation with its scope', { missing: { kind: 'product', participants: ['ada', 'eve'], scope: [10], create: true }, want: { kind: 'product', participants: ['ada', 'eve'], scope: [10], creator: undefined } }],
    ['a group, created by the actor', { missing: { kind: 'group', participants: ['ada', 'eve', 'fay'], scope: [], create: true }, want: { kind: 'group', participants: ['ada', 'eve', 'fay'], scope: [], creator: 'ada' } }],
  ];
  it.each(creations)('creates a missing conversation it may create: %s', (_name, { missing, want }) => {
    const { state } = world();
    const request = { message: 'first' };
    const scope = apply(STORE, state, { request, resolution: { missing, named: true } });
    expect(state.created.at(-1)).toEqual({ ...want, request });
    const created = state.conversation('c3')!;
    expect(scope.conversation).toBe(created);
    expect(created.messages).toEqual([scope.message!.id]);
    expect(state.stored[0]!.conversation).toBe(created);
  });

  const refusals: [string, Resolution<MemoryRecords>][] = [
    ['a missing conversation it may not create', { missing: { kind: 'direct', participants: ['ada', 'eve'], scope: [], create: false }, named: true }],
    ['an unknown id', { unknownId: 'nope', named: true }],
    ['no conversation named', { named: false }],
  ];
  it.each(refusals)('refuses %s with notFound, storing nothing', (_name, resolution) => {
    const { state } = world();
    const before = snapshot(state);
    expect(refusal(() => apply(STORE, state, { request: { message: 'x' }, resolution }))).toEqual({ kind: 'notFound', status: 404, message: 'Conversation not found', field: undefined });
    expect(state.created).toHaveLength(2);
    expect(state.stored).toHaveLength(0);
    expect(snapshot(state)).toBe(before);
  });
});

describe('storeMedia', () => {
  const MEDIA: Effect = { storeMedia: { bytes: '$request.file', mimeType: '$request.mimeType', clientId: '$request.messageid' } };
  const PNG = [0x89, 0x50, 0x4e, 0x47];

  const inputs: [string, { file: unknown; want: number[] }][] = [
    ['a Buffer', { file: Buffer.from(PNG), want: PNG }],
    ['a Uint8Array', { file: new Uint8Array(PNG), want: PNG }],
    ['an ArrayBuffer', { file: new Uint8Array(PNG).buffer, want: PNG }],
    ['a view into a larger buffer', { file: new DataView(new Uint8Array([0, ...PNG, 0]).buffer, 1, 4), want: PNG }],
    ['something that is not bytes: no bytes', { file: 'not bytes', want: [] }],
  ];
  it.each(inputs)('stores the bytes of %s, and a media message of that type', (_name, { file, want }) => {
    const { state, c1 } = world();
    const request = { file, mimeType: 'image/png', messageid: 'k1' };
    const scope = apply(MEDIA, state, { conversation: c1, request });
    const stored = state.stored[0]!;
    expect(stored).toMatchObject({ conversation: c1, sender: 'ada', kind: 'image/png', clientId: 'k1', text: undefined, media: undefined, textPath: undefined, request });
    expect(stored.file!.mimeType).toBe('image/png');
    expect(stored.file!.bytes).toBeInstanceOf(Uint8Array);
    expect([...stored.file!.bytes]).toEqual(want);
    expect(scope.message!.id).toBe('m1');
  });

  it('without a MIME type: application/octet-stream', () => {
    const { state, c1 } = world();
    apply(MEDIA, state, { conversation: c1, request: { file: Buffer.from(PNG) } });
    expect(state.stored[0]).toMatchObject({ kind: 'application/octet-stream', file: { mimeType: 'application/octet-stream' } });
  });

  it('a retry with the same clientId is stored once', () => {
    const { state, c1 } = world();
    const first = apply(MEDIA, state, { conversation: c1, request: { file: Buffer.from(PNG), mimeType: 'image/png', messageid: 'k1' } });
    const retry = apply(MEDIA, state, { conversation: c1, request: { file: Buffer.from(PNG), mimeType: 'image/png', messageid: 'k1' } });
    expect(state.stored).toHaveLength(1);
    expect(retry.message).toBe(first.message);
  });

  it('creates a missing conversation it may create', () => {
    const { state } = world();
    const scope = apply(MEDIA, state, { request: { file: Buffer.from(PNG), mimeType: 'image/png' }, resolution: { missing: { kind: 'direct', participants: ['ada', 'eve'], scope: [], create: true }, named: true } });
    expect(scope.conversation!.id).toBe('c3');
    expect(scope.conversation!.messages).toEqual(['m1']);
  });
});

/** c1 (ada, bob) with m1 from bob, m2 from bob, m3 from ada, m4 from bob; ada has 3 unread, bob 1. */
function history() {
  const w = world();
  w.state.addMessage(w.c1, 'bob', 'one');
  w.state.addMessage(w.c1, 'bob', 'two');
  w.state.addMessage(w.c1, 'ada', 'three');
  w.state.addMessage(w.c1, 'bob', 'four');
  return w;
}

describe('deleteMessage', () => {
  const DELETE: Effect = { deleteMessage: { message: '$request.message_id' } };

  it('marks the message deleted (its content gone, its id kept) and binds $message', () => {
    const { state, c1 } = history();
    const scope = apply(DELETE, state, { conversation: c1, request: { message_id: 'm3' } });
    const m = state.message('m3')!;
    expect(m).toMatchObject({ id: 'm3', deleted: true, text: undefined });
    expect(scope.message).toBe(m);
    expect(c1.messages).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(state.message('m2')).toMatchObject({ deleted: false, text: 'two' });
  });

  it('an unknown message: nothing', () => {
    const { state, c1 } = history();
    const before = snapshot(state);
    const scope = apply(DELETE, state, { conversation: c1, request: { message_id: 'zz' } });
    expect(snapshot(state)).toBe(before);
    expect(scope.message).toBeUndefined();
  });
});

describe('editMessage', () => {
  const EDIT: Effect = { editMessage: { message: '$request.message_id', text: '$request.text' } };
  const cases: [string, { text: unknown; want: string | undefined }][] = [
    ['a new text', { text: 'edited', want: 'edited' }],
    ['a number, as a string', { text: 7, want: '7' }],
    ['no text', { text: undefined, want: undefined }],
  ];
  it.each(cases)('replaces the text with %s, keeps the edit time, binds $message', (_name, { text, want }) => {
    const { state, c1 } = history();
    state.tick(5000);
    const scope = apply(EDIT, state, { conversation: c1, request: { message_id: 'm3', text } });
    const m = state.message('m3')!;
    expect(m.text).toBe(want);
    expect(m.editedAt).toBe(state.time);
    expect(scope.message).toBe(m);
  });

  it('an unknown message: nothing', () => {
    const { state, c1 } = history();
    const before = snapshot(state);
    expect(apply(EDIT, state, { conversation: c1, request: { message_id: 'zz', text: 'x' } }).message).toBeUndefined();
    expect(snapshot(state)).toBe(before);
  });
});

describe('markRead', () => {
  const cases: [string, { effect: Effect; request?: unknown; conversation?: boolean; unread: string[]; message?: string }][] = [
    ['all of the conversation', { effect: { markRead: {} }, unread: [] }],
    ['one message', { effect: { markRead: { message: '$request.id' } }, request: { id: 'm2' }, unread: ['m1', 'm4'], message: 'm2' }],
    ['those up to a message', { effect: { markRead: { upTo: '$request.id' } }, request: { id: 'm2' }, unread: ['m4'] }],
    ['up to the last message: all', { effect: { markRead: { upTo: '$request.id' } }, request: { id: 'm4' }, unread: [] }],
    ['an unknown message: nothing', { effect: { markRead: { message: '$request.id' } }, request: { id: 'zz' }, unread: ['m1', 'm2', 'm4'] }],
    ['no conversation: nothing', { effect: { markRead: {} }, conversation: false, unread: ['m1', 'm2', 'm4'] }],
  ];
  it.each(cases)('marks messages to the actor read: %s', (_name, { effect, request, conversation, unread, message }) => {
    const { state, c1 } = history();
    const scope = apply(effect, state, { conversation: conversation === false ? undefined : c1, request });
    expect(state.unreadIds('c1', 'ada')).toEqual(unread);
    expect(scope.message?.id).toBe(message);
    // Only the reader's receipts change: what ada sent stays unread for bob.
    expect(state.unreadIds('c1', 'bob')).toEqual(['m3']);
  });

  it('up to an unknown message: nothing', () => {
    const { state, c1 } = history();
    apply({ markRead: { upTo: '$request.id' } }, state, { conversation: c1, request: { id: 'zz' } });
    expect(state.unreadIds('c1', 'ada')).toEqual(['m1', 'm2', 'm4']);
  });
});

describe('pinMessage', () => {
  const PIN: Effect = { pinMessage: { message: '$request.message_id', pinned: '$request.pinned' } };
  const cases: [string, { pinned: unknown; before?: boolean; want: boolean }][] = [
    ['true pins', { pinned: true, want: true }],
    ['false unpins', { pinned: false, before: true, want: false }],
    ['only true pins: "true" does not', { pinned: 'true', want: false }],
    ['only true pins: absent unpins', { pinned: undefined, before: true, want: false }],
  ];
  it.each(cases)('sets the pinned state: %s', (_name, { pinned, before, want }) => {
    const { state, c1 } = history();
    if (before) state.pin(c1, state.message('m2')!, true);
    const scope = apply(PIN, state, { conversation: c1, request: { message_id: 'm2', pinned } });
    expect(state.message('m2')!.pinned).toBe(want);
    expect(c1.pinned).toEqual(want ? ['m2'] : []);
    expect(scope.message!.id).toBe('m2');
  });

  it('a literal pinned value', () => {
    const { state, c1 } = history();
    apply({ pinMessage: { message: '$request.message_id', pinned: true } }, state, { conversation: c1, request: { message_id: 'm1' } });
    expect(c1.pinned).toEqual(['m1']);
  });

  const nothing: [string, { message_id: string; conversation: boolean }][] = [
    ['an unknown message', { message_id: 'zz', conversation: true }],
    ['no conversation', { message_id: 'm2', conversation: false }],
  ];
  it.each(nothing)('%s: nothing', (_name, { message_id, conversation }) => {
    const { state, c1 } = history();
    const before = snapshot(state);
    const scope = apply(PIN, state, { conversation: conversation ? c1 : undefined, request: { message_id, pinned: true } });
    expect(snapshot(state)).toBe(before);
    expect(scope.message).toBeUndefined();
  });
});

describe('createConversation', () => {
  const CREATE: Effect = { createConversation: { id: '$request._id', name: '$request.room_name', participants: '$request.recipients', image: '$request.image_url' } };

  const cases: [string, { request: Record<string, unknown>; want: Record<string, unknown>; id: string }][] = [
    [
      'a group of the actor and those named, with its id, name and image',
      { request: { _id: 'g1', room_name: 'Team', recipients: ['bob', 'cy'], image_url: 'http://x/i.png' }, id: 'g1', want: { id: 'g1', participants: ['ada', 'bob', 'cy'], name: 'Team', image: 'http://x/i.png' } },
    ],
    ['participants as user objects', { request: { recipients: [{ user_id: 'bob', name: 'Bob' }, { user_id: 'cy' }] }, id: 'c3', want: { id: undefined, participants: ['ada', 'bob', 'cy'], name: undefined, image: undefined } }],
    ['no id: the state gives one', { request: { room_name: 'Team', recipients: ['bob'] }, id: 'c3', want: { id: undefined, participants: ['ada', 'bob'], name: 'Team', image: undefined } }],
    ['an empty id is no id', { request: { _id: '', recipients: ['bob'] }, id: 'c3', want: { id: undefined, participants: ['ada', 'bob'], name: undefined, image: undefined } }],
    ['a numeric id, as a string', { request: { _id: 7, recipients: ['bob'] }, id: '7', want: { id: '7', participants: ['ada', 'bob'], name: undefined, image: undefined } }],
    ['an empty name and image are none', { request: { room_name: '', image_url: '', recipients: ['bob'] }, id: 'c3', want: { id: undefined, participants: ['ada', 'bob'], name: undefined, image: undefined } }],
    ['a name that is not a string is none', { request: { room_name: 42, recipients: ['bob'] }, id: 'c3', want: { id: undefined, participants: ['ada', 'bob'], name: undefined, image: undefined } }],
    ['nobody else: a group of the actor', { request: { recipients: [] }, id: 'c3', want: { id: undefined, participants: ['ada'], name: undefined, image: undefined } }],
  ];
  it.each(cases)('creates %s', (_name, { request, want, id }) => {
    const { state, c1 } = world();
    // The event's resolved conversation (if any) is replaced, and it counts as new.
    const scope = apply(CREATE, state, { request, conversation: c1 });
    expect(state.created.at(-1)).toEqual({ ...want, kind: 'group', creator: 'ada', request });
    expect(scope.conversation).toBe(state.conversation(id));
    expect(scope.conversationExisted).toBe(false);
  });

  it('an id that exists already: invalidRequest on that field, nothing created', () => {
    const { state } = world();
    const before = snapshot(state);
    expect(refusal(() => apply(CREATE, state, { request: { _id: 'c1', recipients: ['bob'] } }))).toEqual({
      kind: 'invalidRequest',
      status: 400,
      message: 'A conversation with id c1 exists already',
      field: '_id',
    });
    expect(state.created).toHaveLength(2);
    expect(snapshot(state)).toBe(before);
  });

  it('each member once, the creator included', () => {
    const { state } = world();
    apply({ createConversation: { participants: ['$actor.id', '$request.recipients'] } }, state, { request: { recipients: ['bob', 'cy', 'bob'] } });
    expect(state.created.at(-1)!.participants).toEqual(['ada', 'bob', 'cy']);
  });
});

describe('joinConversation(s)', () => {
  it('joinConversation subscribes the socket to the conversation’s room', () => {
    const { state, c1 } = world();
    const sockets = new MemorySockets().connect('a1', 'ada');
    const calls: string[][] = [];
    apply('joinConversation', state, { conversation: c1, join: (rooms) => (calls.push(rooms), sockets.join('a1', ...rooms)) });
    expect(calls).toEqual([['conversation:c1']]);
    expect(sockets.roomsOf('a1')).toEqual(['conversation:c1', 'user:ada']);
  });

  it('joinConversations subscribes the socket to every conversation of the actor, in one call', () => {
    const { state } = world();
    state.addConversation('other', 'direct', ['bob', 'cy']);
    const calls: string[][] = [];
    apply('joinConversations', state, { join: (rooms) => calls.push(rooms) });
    expect(calls).toEqual([['conversation:c1', 'conversation:c2']]);
  });

  const none: [string, { effect: Effect; actor?: Actor; conversation?: boolean }][] = [
    ['joinConversation without a conversation', { effect: 'joinConversation' }],
    ['joinConversations of a user without conversations', { effect: 'joinConversations', actor: { key: 'eve', id: 'eve', attributes: {} } }],
  ];
  it.each(none)('%s: no join', (_name, { effect, actor }) => {
    const { state } = world();
    const calls: string[][] = [];
    apply(effect, state, { actor, join: (rooms) => calls.push(rooms) });
    expect(calls).toEqual([]);
  });

  it.each(['joinConversation', 'joinConversations'] as const)('%s without a socket (a fake peer) does nothing', (effect) => {
    const { state, c1 } = world();
    const before = snapshot(state);
    expect(() => apply(effect, state, { conversation: c1 })).not.toThrow();
    expect(snapshot(state)).toBe(before);
  });
});

describe('markDelivered', () => {
  it('makes what was pending for the actor delivered, and binds pendingSenders', () => {
    const { state, c1, c2 } = world();
    const c3 = state.addConversation('c3', 'direct', ['ada', 'dan']);
    state.addMessage(c1, 'bob'); // ada offline: pending
    state.addMessage(c2, 'cy'); // pending
    state.addMessage(c1, 'bob'); // pending
    state.setOnline('ada');
    state.addMessage(c3, 'dan'); // delivered at once
    state.setOnline('ada', false);
    state.addMessage(c1, 'ada'); // to bob: pending for bob, not ada's business
    const scope = apply('markDelivered', state);
    expect([...scope.pendingSenders!].sort()).toEqual(['bob', 'cy']);
    expect([...state.messages.values()].map((m) => [m.id, [...m.pending]])).toEqual([
      ['m1', []],
      ['m2', []],
      ['m3', []],
      ['m4', []],
      ['m5', ['bob']],
    ]);
    expect(apply('markDelivered', state).pendingSenders).toEqual(new Set());
  });
});
