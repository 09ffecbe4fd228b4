/**
 * The runner's shadow of the server's state (src/contract/shadow.ts): placeholder ids learnt from
 * the server, unread counts, read marks, deletion, pending deliveries, user keys with roles, and
 * which message opened its conversation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationKind, UserKey } from '../../../src/behaviour/index.js';
import { isPlaceholder, ShadowState, type ShadowConversation, type ShadowMessage } from '../../../src/contract/shadow.js';

const PRESENCE = '/presence';
const MARKETPLACE_ROLES = { customer: 'vendor', vendor: 'customer' };

function conversation(s: ShadowState, participants: UserKey[], kind: ConversationKind = 'direct', scope: unknown[] = []): ShadowConversation {
  return s.createConversation({ kind, participants, scope, request: {} });
}

function send(s: ShadowState, conv: ShadowConversation, sender: UserKey, extra: { clientId?: unknown; file?: boolean } = {}): ShadowMessage {
  return s.storeMessage({
    conversation: conv,
    sender,
    clientId: extra.clientId,
    request: {},
    presenceNamespace: PRESENCE,
    ...(extra.file ? { file: { bytes: new Uint8Array([1]), mimeType: 'image/png' } } : {}),
  });
}

describe('placeholders learnt', () => {
  let s: ShadowState;
  let conv: ShadowConversation;
  let first: ShadowMessage;
  let second: ShadowMessage;
  let convPlaceholder: string;
  let firstPlaceholder: string;
  beforeEach(() => {
    s = new ShadowState();
    conv = conversation(s, ['ada', 'bob']);
    first = send(s, conv, 'ada');
    second = send(s, conv, 'bob');
    convPlaceholder = conv.id;
    firstPlaceholder = first.id;
  });

  it('ids the model invents are placeholders, distinct', () => {
    expect([conv.id, first.id, second.id].map(isPlaceholder)).toEqual([true, true, true]);
    expect(new Set([conv.id, first.id, second.id]).size).toBe(3);
    expect(conv.messages).toEqual([first.id, second.id]);
    expect([first.conversationId, second.conversationId]).toEqual([conv.id, conv.id]);
    expect([isPlaceholder('665f1c2e9b1e8a0012345678'), isPlaceholder(7), isPlaceholder(undefined)]).toEqual([false, false, false]);
  });

  it('a conversation id is re-keyed, and its messages follow', () => {
    s.learn(convPlaceholder, 'chat-1');
    expect(conv.id).toBe('chat-1');
    expect(s.conversation('chat-1')).toBe(conv);
    expect(s.conversation(convPlaceholder)).toBeUndefined();
    expect([first.conversationId, second.conversationId]).toEqual(['chat-1', 'chat-1']);
    expect(s.conversationsOf('ada')).toEqual([conv]);
  });

  it('a message id is re-keyed in place in its conversation’s list', () => {
    s.learn(firstPlaceholder, 'm-1');
    expect(first.id).toBe('m-1');
    expect(s.message('m-1')).toBe(first);
    expect(s.message(firstPlaceholder)).toBeUndefined();
    expect(conv.messages).toEqual(['m-1', second.id]);
  });

  it('either order: the conversation after its message, and a number as a string', () => {
    s.learn(firstPlaceholder, 'm-1');
    s.learn(convPlaceholder, 42);
    expect(conv.id).toBe('42');
    expect(s.conversation('42')!.messages).toEqual(['m-1', second.id]);
    expect(s.message('m-1')!.conversationId).toBe('42');
    expect(s.unreadIn('42', 'bob')).toBe(1);
  });

  it('the message first, then the conversation: unread counts and client ids found under the new ids', () => {
    const retried = send(s, conv, 'ada', { clientId: 'c-9' });
    s.learn(convPlaceholder, 'chat-1');
    s.learn(retried.id, 'm-9');
    expect(s.messageByClientId('chat-1', 'ada', 'c-9')).toBe(retried);
    expect(s.unreadIn('chat-1', 'bob')).toBe(2);
    expect(s.unreadIn(convPlaceholder, 'bob')).toBe(0);
  });

  it('an unknown placeholder changes nothing', () => {
    s.learn('\u0000parley:message:999', 'x');
    expect(conv.messages).toEqual([first.id, second.id]);
    expect(s.message('x')).toBeUndefined();
  });
});

describe('unread counts and read marks', () => {
  let s: ShadowState;
  let c1: ShadowConversation;
  let c2: ShadowConversation;
  let m: ShadowMessage[];
  beforeEach(() => {
    s = new ShadowState();
    c1 = conversation(s, ['ada', 'bob']);
    c2 = conversation(s, ['ada', 'bob', 'cy'], 'group');
    // c1: ada, ada, bob, ada; c2: ada, cy.
    m = [send(s, c1, 'ada'), send(s, c1, 'ada'), send(s, c1, 'bob'), send(s, c1, 'ada'), send(s, c2, 'ada'), send(s, c2, 'cy')];
  });

  const counts = () => ({
    bob: [s.unreadIn(c1.id, 'bob'), s.unreadIn(c2.id, 'bob'), s.unreadTotal('bob')],
    ada: [s.unreadIn(c1.id, 'ada'), s.unreadIn(c2.id, 'ada'), s.unreadTotal('ada')],
    cy: [s.unreadIn(c1.id, 'cy'), s.unreadIn(c2.id, 'cy'), s.unreadTotal('cy')],
  });

  it('per conversation and in total, never one’s own messages', () => {
    expect(counts()).toEqual({ bob: [3, 2, 5], ada: [1, 1, 2], cy: [0, 1, 1] });
    expect(s.unreadIn('no-such-conversation', 'bob')).toBe(0);
    expect(s.unreadTotal('nobody')).toBe(0);
  });

  const MARKS: [string, { mark: (x: { s: ShadowState; c1: ShadowConversation; m: ShadowMessage[] }) => void; want: ReturnType<typeof counts> }][] = [
    ['one message', { mark: ({ s, c1, m }) => s.markRead(c1, 'bob', { message: m[1] }), want: { bob: [2, 2, 4], ada: [1, 1, 2], cy: [0, 1, 1] } }],
    ['up to a message, inclusive', { mark: ({ s, c1, m }) => s.markRead(c1, 'bob', { upTo: m[1] }), want: { bob: [1, 2, 3], ada: [1, 1, 2], cy: [0, 1, 1] } }],
    ['up to the first', { mark: ({ s, c1, m }) => s.markRead(c1, 'bob', { upTo: m[0] }), want: { bob: [2, 2, 4], ada: [1, 1, 2], cy: [0, 1, 1] } }],
    ['all of a conversation', { mark: ({ s, c1 }) => s.markRead(c1, 'bob', {}), want: { bob: [0, 2, 2], ada: [1, 1, 2], cy: [0, 1, 1] } }],
    ['all, by the other reader', { mark: ({ s, c1 }) => s.markRead(c1, 'ada', {}), want: { bob: [3, 2, 5], ada: [0, 1, 1], cy: [0, 1, 1] } }],
    ['one reader of a group leaves the others’ counts', { mark: ({ s, m }) => s.markRead(s.conversation(m[4]!.conversationId)!, 'cy', {}), want: { bob: [3, 2, 5], ada: [1, 1, 2], cy: [0, 0, 0] } }],
    ['a message of one’s own: nothing changes', { mark: ({ s, c1, m }) => s.markRead(c1, 'ada', { message: m[0] }), want: { bob: [3, 2, 5], ada: [1, 1, 2], cy: [0, 1, 1] } }],
  ];
  it.each(MARKS)('markRead %s', (_name, { mark, want }) => {
    mark({ s, c1, m });
    expect(counts()).toEqual(want);
  });

  it('deleting a message clears its unread marks, and it stays in the conversation', () => {
    s.deleteMessage(m[3]!);
    s.deleteMessage(m[4]!);
    expect(counts()).toEqual({ bob: [2, 1, 3], ada: [1, 1, 2], cy: [0, 0, 0] });
    expect([m[3]!.deleted, m[4]!.deleted, m[0]!.deleted]).toEqual([true, true, false]);
    expect(c1.messages).toHaveLength(4);
  });
});

describe('pending deliveries', () => {
  it('who was offline in the presence namespace when a message was stored', () => {
    const s = new ShadowState();
    const conv = conversation(s, ['ada', 'bob', 'cy'], 'group');
    s.setOnline('bob', PRESENCE, true);
    // Online elsewhere is not online.
    s.setOnline('cy', '/chat', true);
    const m = send(s, conv, 'ada');
    expect([...m.pending]).toEqual(['cy']);
    expect([s.deliveredTo(m, 'bob'), s.deliveredTo(m, 'cy'), s.deliveredTo(m, 'ada')]).toEqual([true, false, true]);
  });

  it('markDelivered: the senders of what was pending, once', () => {
    const s = new ShadowState();
    const withAda = conversation(s, ['ada', 'cy']);
    const withBob = conversation(s, ['bob', 'cy']);
    const withDan = conversation(s, ['dan', 'cy']);
    s.setOnline('cy', PRESENCE, true);
    const seen = send(s, withDan, 'dan');
    s.setOnline('cy', PRESENCE, false);
    const fromAda = [send(s, withAda, 'ada'), send(s, withAda, 'ada')];
    const fromBob = send(s, withBob, 'bob');
    expect(s.isOnline('cy', PRESENCE)).toBe(false);
    expect([...s.markDelivered('cy')].sort()).toEqual(['ada', 'bob']);
    expect([...fromAda, fromBob, seen].map((m) => s.deliveredTo(m, 'cy'))).toEqual([true, true, true, true]);
    expect([...s.markDelivered('cy')]).toEqual([]);
    // Nothing was pending for the senders themselves.
    expect([...s.markDelivered('ada')]).toEqual([]);
  });

  it('online and offline again', () => {
    const s = new ShadowState();
    s.setOnline('ada', PRESENCE, true);
    s.setOnline('ada', PRESENCE, true);
    expect(s.isOnline('ada', PRESENCE)).toBe(true);
    s.setOnline('ada', PRESENCE, false);
    expect(s.isOnline('ada', PRESENCE)).toBe(false);
    expect(s.isOnline('ada', '/never')).toBe(false);
  });
});

describe('user keys and ids', () => {
  const KEYS: [string, { counterpart?: Record<string, string>; id: unknown; role?: string; want: string }][] = [
    ['no roles: the id as a string', { id: 'u-ada', want: 'u-ada' }],
    ['no roles, a number', { id: 7, role: 'customer', want: '7' }],
    ['a customer names a vendor', { counterpart: MARKETPLACE_ROLES, id: 7, role: 'customer', want: 'vendor:7' }],
    ['a vendor names a customer', { counterpart: MARKETPLACE_ROLES, id: 7, role: 'vendor', want: 'customer:7' }],
    ['an admin has no counterpart: their own role', { counterpart: MARKETPLACE_ROLES, id: '7', role: 'admin', want: 'admin:7' }],
    ['no actor role: the bare id', { counterpart: MARKETPLACE_ROLES, id: 7, want: '7' }],
  ];
  it.each(KEYS)('keyOf: %s', (_name, { counterpart, id, role, want }) => {
    expect(new ShadowState(counterpart).keyOf(id, role)).toBe(want);
  });

  const IDS: [string, { counterpart?: Record<string, string>; known?: [UserKey, string | number]; key: UserKey; want: string | number }][] = [
    ['no roles: the key', { key: 'u-ada', want: 'u-ada' }],
    ['no roles, a key with a colon stays whole', { key: 'realm:ada', want: 'realm:ada' }],
    ['roles: after the role', { counterpart: MARKETPLACE_ROLES, key: 'vendor:7', want: '7' }],
    ['roles, a known user: the id as the protocol writes it', { counterpart: MARKETPLACE_ROLES, known: ['vendor:7', 7], key: 'vendor:7', want: 7 }],
    ['roles, another user of the same id', { counterpart: MARKETPLACE_ROLES, known: ['vendor:7', 7], key: 'customer:7', want: '7' }],
    ['no roles, a known user', { known: ['42', 42], key: '42', want: 42 }],
  ];
  it.each(IDS)('idOf: %s', (_name, { counterpart, known, key, want }) => {
    const s = new ShadowState(counterpart);
    if (known) s.knowUser(...known);
    expect(s.idOf(key)).toBe(want);
  });
});

describe('conversations found and messages opened', () => {
  it('openedConversation: only the first message of a conversation the runner made', () => {
    const s = new ShadowState();
    const c1 = conversation(s, ['ada', 'bob']);
    const c2 = conversation(s, ['ada', 'cy']);
    const [a, b] = [send(s, c1, 'ada'), send(s, c1, 'bob')];
    const c = send(s, c2, 'cy');
    expect([c1.createdHere, c2.createdHere]).toEqual([true, true]);
    expect([a, b, c].map((m) => s.openedConversation(m))).toEqual([true, false, true]);
    // Deleting the first message does not make the next one the opener.
    s.deleteMessage(a);
    expect(s.openedConversation(send(s, c1, 'ada'))).toBe(false);
  });

  it('findConversation: by kind, participants in any order (each once) and scope; never a group', () => {
    const s = new ShadowState(MARKETPLACE_ROLES);
    const direct = conversation(s, ['ada', 'bob']);
    const product = conversation(s, ['customer:1', 'vendor:2'], 'product', ['p-1']);
    const group = conversation(s, ['ada', 'bob'], 'group');
    expect(s.findConversation('direct', ['bob', 'ada'], [])).toBe(direct);
    expect(s.findConversation('direct', ['ada', 'bob', 'ada'], [])).toBe(direct);
    expect(s.findConversation('direct', ['ada', 'cy'], [])).toBeUndefined();
    expect(s.findConversation('product', ['vendor:2', 'customer:1'], ['p-1'])).toBe(product);
    expect(s.findConversation('product', ['vendor:2', 'customer:1'], ['p-2'])).toBeUndefined();
    expect(s.findConversation('group', ['ada', 'bob'], [])).toBeUndefined();
    expect(s.conversationsOf('bob')).toEqual([direct, group]);
  });

  it('messageByClientId: in the conversation, from the sender, with that key', () => {
    const s = new ShadowState();
    const c1 = conversation(s, ['ada', 'bob']);
    const c2 = conversation(s, ['ada', 'cy']);
    const m = send(s, c1, 'ada', { clientId: 'k-1' });
    const file = send(s, c2, 'ada', { clientId: 'k-1', file: true });
    expect(s.messageByClientId(c1.id, 'ada', 'k-1')).toBe(m);
    expect(s.messageByClientId(c2.id, 'ada', 'k-1')).toBe(file);
    expect(s.messageByClientId(c1.id, 'bob', 'k-1')).toBeUndefined();
    expect(s.messageByClientId(c1.id, 'ada', 'k-2')).toBeUndefined();
    expect([undefined, null, ''].map((k) => s.messageByClientId(c1.id, 'ada', k))).toEqual([undefined, undefined, undefined]);
    expect([s.isFile(m), s.isFile(file)]).toEqual([false, true]);
  });

  it('a conversation’s participants are kept once each', () => {
    const s = new ShadowState();
    expect(conversation(s, ['ada', 'bob', 'ada']).participants).toEqual(['ada', 'bob']);
  });
});
