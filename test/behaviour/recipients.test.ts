/**
 * Recipients (CONVENTIONS.md §4.1) resolved to the sockets of a namespace, grouped by the user who
 * receives each copy, over an in-memory directory whose rooms are the runtime's:
 * `user:<key>` and `conversation:<id>`.
 */
import { describe, expect, it } from 'vitest';
import { newScope, type Actor, type Scope } from '../../src/behaviour/index.js';
import { compileRecipients, namesCounterparts } from '../../src/behaviour/recipients.js';
import type { Recipient } from '../../src/spec/vocabulary.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';
import { MemorySockets, plain } from './memory-sockets.js';

const ADA: Actor = { key: 'ada', id: 'ada', attributes: {} };

/**
 * ada has sockets a1 and a2, bob b1, cy c1, dan d1; x1 has not announced its user yet. The
 * conversation conv1 has participants ada, bob and eve (eve has no socket); its room holds a1,
 * b1, d1 (dan, subscribed but not a participant) and x1.
 */
function directory(): MemorySockets {
  return new MemorySockets()
    .connect('a1', 'ada')
    .connect('a2', 'ada')
    .connect('b1', 'bob')
    .connect('c1', 'cy')
    .connect('d1', 'dan')
    .connect('x1', '')
    .join('a1', 'conversation:conv1')
    .join('b1', 'conversation:conv1')
    .join('d1', 'conversation:conv1')
    .join('x1', 'conversation:conv1');
}

interface Given {
  /** The socket whose event it is. */
  socket?: string;
  conversation?: boolean;
  pendingSenders?: string[];
  recipient?: string;
}

function scopeOf(given: Given): Scope {
  const state = new MemoryState();
  const scope = newScope<MemoryRecords>(state, { to: 'bob', group: ['bob', 'cy', 'eve'], nobody: [] }, ADA);
  if (given.conversation) scope.conversation = state.addConversation('conv1', 'group', ['ada', 'bob', 'eve']);
  if (given.pendingSenders) scope.pendingSenders = new Set(given.pendingSenders);
  if (given.recipient) scope.recipient = { key: given.recipient, id: given.recipient };
  return scope;
}

function resolve(to: Recipient | Recipient[], given: Given = {}): Record<string, string[]> {
  const out = new Map<string, Set<string>>();
  compileRecipients(to)(scopeOf(given), directory(), given.socket, out);
  return plain(out);
}

describe('compileRecipients', () => {
  const ALL_ADA = { ada: ['a1', 'a2'] };
  const cases: [string, { to: Recipient | Recipient[]; given?: Given; want: Record<string, string[]> }][] = [
    ['socket: only the sending socket', { to: 'socket', given: { socket: 'a2' }, want: { ada: ['a2'] } }],
    ['socket: nobody without a socket (a fake peer)', { to: 'socket', want: {} }],
    ['actor: every socket of the actor', { to: 'actor', given: { socket: 'a2' }, want: ALL_ADA }],
    ['{ user }: every socket of that user', { to: { user: '$request.to' }, want: { bob: ['b1'] } }],
    ['{ user } of the actor', { to: { user: '$actor.id' }, want: ALL_ADA }],
    ['{ user } of a list: each user; one without sockets absent', { to: { user: '$request.group' }, want: { bob: ['b1'], cy: ['c1'] } }],
    ['{ user } of nobody', { to: { user: '$request.nobody' }, want: {} }],
    [
      'conversation: the participants, plus room subscribers not known as participants',
      { to: 'conversation', given: { conversation: true, socket: 'a1' }, want: { ada: ['a1', 'a2'], bob: ['b1'], dan: ['d1'], '': ['x1'] } },
    ],
    ['conversation: nobody without a conversation', { to: 'conversation', given: { socket: 'a1' }, want: {} }],
    [
      'others: not the actor’s sockets, not the sending socket',
      { to: 'others', given: { conversation: true, socket: 'a1' }, want: { bob: ['b1'], dan: ['d1'], '': ['x1'] } },
    ],
    [
      'others: the sending socket is left out even when its user is not known',
      { to: 'others', given: { conversation: true, socket: 'x1' }, want: { bob: ['b1'], dan: ['d1'] } },
    ],
    ['others: nobody without a conversation', { to: 'others', given: { socket: 'a1' }, want: {} }],
    ['pendingSenders: every socket of each sender', { to: 'pendingSenders', given: { pendingSenders: ['bob', 'cy', 'eve'] }, want: { bob: ['b1'], cy: ['c1'] } }],
    ['pendingSenders: nobody before markDelivered', { to: 'pendingSenders', want: {} }],
    ['counterparts: the bound recipient’s sockets', { to: 'counterparts', given: { recipient: 'bob' }, want: { bob: ['b1'] } }],
    ['counterparts: nobody when unbound', { to: 'counterparts', want: {} }],
    [
      'namespace: every socket, grouped by user',
      { to: 'namespace', want: { ada: ['a1', 'a2'], bob: ['b1'], cy: ['c1'], dan: ['d1'], '': ['x1'] } },
    ],
    ['a list: the union', { to: ['actor', { user: '$request.to' }], given: { socket: 'a1' }, want: { ada: ['a1', 'a2'], bob: ['b1'] } }],
    ['a list naming the same sockets thrice: each once', { to: ['socket', 'actor', { user: '$actor.id' }], given: { socket: 'a2' }, want: ALL_ADA }],
    [
      'a list of overlapping groups: each socket once, under its user',
      { to: ['others', { user: '$request.group' }, 'namespace'], given: { conversation: true, socket: 'a1' }, want: { ada: ['a1', 'a2'], bob: ['b1'], cy: ['c1'], dan: ['d1'], '': ['x1'] } },
    ],
  ];
  it.each(cases)('%s', (_name, { to, given, want }) => {
    expect(resolve(to, given)).toEqual(want);
  });

  it('adds to what the delivery holds already (a user appears once, with a set of sockets)', () => {
    const out = new Map([['bob', new Set(['b1'])]]);
    compileRecipients(['conversation', { user: '$request.to' }])(scopeOf({ conversation: true }), directory(), 'a1', out);
    expect([...out.keys()]).toEqual(['bob', 'ada', 'dan', '']);
    expect(plain(out).bob).toEqual(['b1']);
  });

  it('groups in the order recipients are named', () => {
    const out = new Map<string, Set<string>>();
    compileRecipients([{ user: '$request.to' }, 'actor'])(scopeOf({}), directory(), 'a1', out);
    expect([...out.keys()]).toEqual(['bob', 'ada']);
  });
});

describe('namesCounterparts', () => {
  const cases: [Recipient | Recipient[], boolean][] = [
    ['counterparts', true],
    [['actor', 'counterparts'], true],
    ['conversation', false],
    [['actor', { user: '$request.counterparts' }], false],
  ];
  it.each(cases)('%j → %s', (to, want) => {
    expect(namesCounterparts(to)).toBe(want);
  });
});
