/**
 * Conditions of emits (CONVENTIONS.md §4.2): `online` / `offline` of the users an expression
 * names, the conversation before the event, the lifecycle's first and last socket, and lists.
 */
import { describe, expect, it } from 'vitest';
import { compileConditions } from '../../src/behaviour/conditions.js';
import { newScope, type Actor, type Scope } from '../../src/behaviour/index.js';
import type { Condition } from '../../src/spec/vocabulary.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';

const ADA: Actor = { key: 'ada', id: 'ada', attributes: {} };
const REQUEST = { to: 'bob', group: ['bob', 'cy'], nobody: [] };

interface Given {
  online?: string[];
  /** The event's conversation: none, one that existed before the event, or one it created. */
  conversation?: 'existed' | 'new';
  phase?: { first?: boolean; last?: boolean };
}

function holds(when: Condition | Condition[] | undefined, given: Given = {}): boolean {
  const state = new MemoryState();
  const scope: Scope = newScope<MemoryRecords>(state, REQUEST, ADA, given.phase);
  if (given.conversation) {
    scope.conversation = state.addConversation('c1', 'direct', ['ada', 'bob']);
    scope.conversationExisted = given.conversation === 'existed';
  }
  const online = new Set(given.online ?? []);
  return compileConditions(when)(scope, (key) => online.has(key));
}

describe('compileConditions', () => {
  const cases: [string, { when: Condition | Condition[] | undefined; given?: Given; want: boolean }][] = [
    ['no condition: always', { when: undefined, want: true }],
    ['online: the user is', { when: { online: '$request.to' }, given: { online: ['bob'] }, want: true }],
    ['online: the user is not', { when: { online: '$request.to' }, given: { online: ['cy'] }, want: false }],
    ['online of the actor', { when: { online: '$actor.id' }, given: { online: ['ada'] }, want: true }],
    ['online of a list: all are', { when: { online: '$request.group' }, given: { online: ['bob', 'cy'] }, want: true }],
    ['online of a list: one is not', { when: { online: '$request.group' }, given: { online: ['bob'] }, want: false }],
    ['online of an empty list (nobody) is false', { when: { online: '$request.nobody' }, given: { online: ['ada', 'bob'] }, want: false }],
    ['online of a missing field (nobody) is false', { when: { online: '$request.missing' }, given: { online: ['ada', 'bob'] }, want: false }],
    ['offline: the user is not online', { when: { offline: '$request.to' }, given: { online: ['ada'] }, want: true }],
    ['offline: the user is online', { when: { offline: '$request.to' }, given: { online: ['bob'] }, want: false }],
    ['offline of a list: none is online', { when: { offline: '$request.group' }, given: { online: ['ada'] }, want: true }],
    ['offline of a list: one is online', { when: { offline: '$request.group' }, given: { online: ['cy'] }, want: false }],
    ['offline of nobody holds (no one is online)', { when: { offline: '$request.nobody' }, given: { online: ['ada'] }, want: true }],
    ['conversationNew: created by this event', { when: 'conversationNew', given: { conversation: 'new' }, want: true }],
    ['conversationNew: it existed before', { when: 'conversationNew', given: { conversation: 'existed' }, want: false }],
    ['conversationNew: no conversation', { when: 'conversationNew', want: false }],
    ['conversationExists: it existed before', { when: 'conversationExists', given: { conversation: 'existed' }, want: true }],
    ['conversationExists: created by this event', { when: 'conversationExists', given: { conversation: 'new' }, want: false }],
    ['conversationExists: no conversation', { when: 'conversationExists', want: false }],
    ['firstConnection: the first socket', { when: 'firstConnection', given: { phase: { first: true } }, want: true }],
    ['firstConnection: not the first', { when: 'firstConnection', given: { phase: { first: false } }, want: false }],
    ['firstConnection: no phase', { when: 'firstConnection', want: false }],
    ['firstConnection is not lastDisconnection', { when: 'firstConnection', given: { phase: { last: true } }, want: false }],
    ['lastDisconnection: the last socket', { when: 'lastDisconnection', given: { phase: { last: true } }, want: true }],
    ['lastDisconnection: not the last', { when: 'lastDisconnection', given: { phase: { last: false } }, want: false }],
    ['a list: all hold', { when: ['conversationExists', { online: '$request.to' }], given: { conversation: 'existed', online: ['bob'] }, want: true }],
    ['a list: the first fails', { when: ['conversationNew', { online: '$request.to' }], given: { conversation: 'existed', online: ['bob'] }, want: false }],
    ['a list: the last fails', { when: ['conversationExists', { offline: '$request.to' }], given: { conversation: 'existed', online: ['bob'] }, want: false }],
    ['an empty list: always', { when: [], want: true }],
  ];
  it.each(cases)('%s', (_name, { when, given, want }) => {
    expect(holds(when, given)).toBe(want);
  });

  it('asks about user keys (with roles, the counterpart role’s)', () => {
    const state = new MemoryState({ counterpart: { customer: 'vendor' } });
    const scope = newScope(state, { to: 9 }, { key: 'customer:7', id: 7, role: 'customer', attributes: {} });
    const asked: string[] = [];
    const result = compileConditions([{ online: '$request.to' }, { online: '$actor.id' }])(scope, (key) => (asked.push(key), true));
    expect(result).toBe(true);
    expect(asked).toEqual(['vendor:9', 'customer:7']);
  });

  it('reads presence when evaluated, not when compiled', () => {
    const scope = newScope(new MemoryState(), REQUEST, ADA);
    const condition = compileConditions({ online: '$request.to' });
    const online = new Set<string>();
    expect(condition(scope, (k) => online.has(k))).toBe(false);
    online.add('bob');
    expect(condition(scope, (k) => online.has(k))).toBe(true);
  });
});
