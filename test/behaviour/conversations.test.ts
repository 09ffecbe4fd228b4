/**
 * Which conversation a client event is about (CONVENTIONS.md §3.1): by id, or by kind +
 * participants + scope; alternatives chosen by which request paths are present; what is missing
 * (to create or not), unknown ids, and a stateless state.
 */
import { describe, expect, it } from 'vitest';
import { compileConversation, type Resolution } from '../../src/behaviour/conversations.js';
import { newScope, type Actor } from '../../src/behaviour/index.js';
import type { ConversationRef } from '../../src/spec/vocabulary.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';

const ADA: Actor = { key: 'ada', id: 'ada', attributes: {} };

/** r1 (group: ada, bob, cy); d1 (direct: bob, ada); p1 and p2 (product ada–bob about products 10 and 20). */
function world(options: { stateless?: boolean } = {}): MemoryState {
  const state = new MemoryState(options);
  state.addConversation('r1', 'group', ['ada', 'bob', 'cy']);
  state.addConversation('d1', 'direct', ['bob', 'ada']);
  state.addConversation('p1', 'product', ['ada', 'bob'], [10]);
  state.addConversation('p2', 'product', ['bob', 'ada'], [20]);
  state.addConversation('5', 'group', ['ada']);
  return state;
}

/** What a resolution says, as plain data: the conversation by id, and the rest as it is. */
function summary(r: Resolution<MemoryRecords>): Record<string, unknown> {
  const { conversation, ...rest } = r;
  return conversation ? { conversation: conversation.id, ...rest } : rest;
}

function resolve(ref: ConversationRef | ConversationRef[] | undefined, request: unknown, state = world()) {
  const scope = newScope<MemoryRecords>(state, request, ADA);
  return summary(compileConversation(ref)(scope, state));
}

const BY_ID: ConversationRef = { id: '$request.room_id' };
const DIRECT: ConversationRef = { kind: 'direct', participants: ['$actor.id', '$request.to'] };
const DIRECT_CREATE: ConversationRef = { ...DIRECT, create: true };
const PRODUCT: ConversationRef = { kind: 'product', participants: ['$actor.id', '$request.recipientId'], scope: ['$request.productId'] };
const EITHER: ConversationRef[] = [{ id: '$request.chatId' }, PRODUCT];

describe('compileConversation', () => {
  const cases: [string, { ref: ConversationRef | ConversationRef[] | undefined; request: unknown; want: Record<string, unknown> }][] = [
    ['no conversation named', { ref: undefined, request: { room_id: 'r1' }, want: { named: false } }],
    ['an empty list names none', { ref: [], request: { room_id: 'r1' }, want: { named: false } }],
    ['by id', { ref: BY_ID, request: { room_id: 'r1' }, want: { conversation: 'r1', named: true } }],
    ['by id, a number compared as a string', { ref: BY_ID, request: { room_id: 5 }, want: { conversation: '5', named: true } }],
    ['by id, unknown', { ref: BY_ID, request: { room_id: 'nope' }, want: { unknownId: 'nope', named: true } }],
    ['by participants, in any order', { ref: DIRECT, request: { to: 'bob' }, want: { conversation: 'd1', named: true } }],
    ['by participants of the kind only (a group of the same people is not the direct one)', { ref: { kind: 'group', participants: ['$actor.id', '$request.to'] }, request: { to: 'bob' }, want: { missing: { kind: 'group', participants: ['ada', 'bob'], scope: [], create: false }, named: true } }],
    ['by participants, missing, without create', { ref: DIRECT, request: { to: 'cy' }, want: { missing: { kind: 'direct', participants: ['ada', 'cy'], scope: [], create: false }, named: true } }],
    ['by participants, missing, with create', { ref: DIRECT_CREATE, request: { to: 'cy' }, want: { missing: { kind: 'direct', participants: ['ada', 'cy'], scope: [], create: true }, named: true } }],
    ['a user named twice is one participant', { ref: DIRECT_CREATE, request: { to: 'ada' }, want: { missing: { kind: 'direct', participants: ['ada'], scope: [], create: true }, named: true } }],
    [
      'duplicates removed from a longer list, first occurrence kept',
      { ref: { kind: 'group', participants: ['$actor.id', '$request.members'] }, request: { members: ['cy', 'ada', 'dan', 'cy'] }, want: { missing: { kind: 'group', participants: ['ada', 'cy', 'dan'], scope: [], create: false }, named: true } },
    ],
    ['by participants and scope', { ref: PRODUCT, request: { recipientId: 'bob', productId: 20 }, want: { conversation: 'p2', named: true } }],
    ['by participants and another scope: missing', { ref: PRODUCT, request: { recipientId: 'bob', productId: 30 }, want: { missing: { kind: 'product', participants: ['ada', 'bob'], scope: [30], create: false }, named: true } }],
    ['alternatives: the id when the request has it', { ref: EITHER, request: { chatId: 'p1', recipientId: 'bob', productId: 20 }, want: { conversation: 'p1', named: true } }],
    ['alternatives: the participants when the request has no id', { ref: EITHER, request: { recipientId: 'bob', productId: 20 }, want: { conversation: 'p2', named: true } }],
    [
      'alternatives: one whose paths are not all present is passed over',
      { ref: [PRODUCT, BY_ID], request: { recipientId: 'bob', room_id: 'r1' }, want: { conversation: 'r1', named: true } },
    ],
    [
      'alternatives: the last one when none has all its paths',
      { ref: EITHER, request: { recipientId: 'bob' }, want: { missing: { kind: 'product', participants: ['ada', 'bob'], scope: [undefined], create: false }, named: true } },
    ],
    ['alternatives: a present unknown id is not replaced by the next alternative', { ref: EITHER, request: { chatId: 'nope', recipientId: 'bob', productId: 20 }, want: { unknownId: 'nope', named: true } }],
  ];
  it.each(cases)('%s', (_name, { ref, request, want }) => {
    expect(resolve(ref, request)).toEqual(want);
  });

  it('creates nothing while resolving, even with create', () => {
    const state = world();
    resolve(DIRECT_CREATE, { to: 'cy' }, state);
    expect(state.created.map((c) => c.id)).toEqual(['r1', 'd1', 'p1', 'p2', '5']);
  });

  it('with roles, participants are keys of the counterpart role', () => {
    const state = new MemoryState({ counterpart: { customer: 'vendor' } });
    state.addConversation('p9', 'product', ['vendor:3', 'customer:7'], ['x']);
    const scope = newScope<MemoryRecords>(state, { recipientId: 3, productId: 'x' }, { key: 'customer:7', id: 7, role: 'customer', attributes: {} });
    expect(compileConversation(PRODUCT)(scope, state).conversation?.id).toBe('p9');
  });

  describe('stateless', () => {
    it('an unknown id is a group with the actor in it, created under that id', () => {
      const state = world({ stateless: true });
      expect(resolve(BY_ID, { room_id: 'nope' }, state)).toEqual({ conversation: 'nope', named: true });
      expect(state.created.at(-1)).toEqual({ id: 'nope', kind: 'group', participants: ['ada'], request: undefined });
    });

    it('a known id is the conversation itself', () => {
      const state = world({ stateless: true });
      expect(resolve(BY_ID, { room_id: 'r1' }, state)).toEqual({ conversation: 'r1', named: true });
      expect(state.created).toHaveLength(5);
    });

    it('missing participants may always be created', () => {
      expect(resolve(DIRECT, { to: 'cy' }, world({ stateless: true }))).toEqual({ missing: { kind: 'direct', participants: ['ada', 'cy'], scope: [], create: true }, named: true });
    });
  });
});
