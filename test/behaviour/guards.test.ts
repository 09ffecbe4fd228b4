/**
 * Guards (CONVENTIONS.md §3.2): each passing and failing, with its default error and with an
 * `error` override; their order; a stateless state, where only `distinctUsers` is checked.
 */
import { describe, expect, it } from 'vitest';
import type { Resolution } from '../../src/behaviour/conversations.js';
import { compileGuards } from '../../src/behaviour/guards.js';
import { newScope, type Actor } from '../../src/behaviour/index.js';
import { ProtocolError } from '../../src/runtime/errors.js';
import type { Guard } from '../../src/spec/vocabulary.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';

const ADA: Actor = { key: 'ada', id: 'ada', attributes: {} };

/** c1 (ada, bob) with m1 from bob, m2 from ada and m4 from ada, deleted; c2 (cy, dan) with m3 from cy. */
function world(stateless = false) {
  const state = new MemoryState({ stateless });
  const c1 = state.addConversation('c1', 'direct', ['ada', 'bob']);
  const c2 = state.addConversation('c2', 'direct', ['cy', 'dan']);
  expect(state.addMessage(c1, 'bob').id).toBe('m1');
  expect(state.addMessage(c1, 'ada').id).toBe('m2');
  expect(state.addMessage(c2, 'cy').id).toBe('m3');
  state.deleteMessage(state.addMessage(c1, 'ada'));
  return { state, c1, c2 };
}

type Given = 'c1' | 'c2' | 'unknownId' | 'missing' | 'missingCreate' | 'none';

function resolutionOf(given: Given, w: ReturnType<typeof world>): Resolution<MemoryRecords> {
  switch (given) {
    case 'c1':
      return { conversation: w.c1, named: true };
    case 'c2':
      return { conversation: w.c2, named: true };
    case 'unknownId':
      return { unknownId: 'nope', named: true };
    case 'missing':
      return { missing: { kind: 'direct', participants: ['ada', 'eve'], scope: [], create: false }, named: true };
    case 'missingCreate':
      return { missing: { kind: 'direct', participants: ['ada', 'eve'], scope: [], create: true }, named: true };
    case 'none':
      return { named: false };
  }
}

/** A thrown ProtocolError, as plain data. */
interface Thrown {
  kind: string;
  status: number;
  message: string;
  field: string | undefined;
}

/** Runs guards; the failure they throw as plain data, or undefined when they pass. */
function check(guards: Guard[] | undefined, given: { request?: unknown; conversation?: Given; stateless?: boolean } = {}): Thrown | undefined {
  const w = world(given.stateless);
  const resolution = resolutionOf(given.conversation ?? 'c1', w);
  const scope = newScope<MemoryRecords>(w.state, given.request ?? {}, ADA);
  scope.conversation = resolution.conversation;
  try {
    compileGuards(guards)(scope, resolution, w.state);
    return undefined;
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { kind: e.kind, status: e.status, message: e.message, field: e.field };
  }
}

const NOT_PARTICIPANT = { kind: 'forbidden', status: 403, message: 'You are not a participant of this conversation', field: undefined };
const NO_CONVERSATION = { kind: 'notFound', status: 404, message: 'Conversation not found', field: undefined };
const NO_MESSAGE = { kind: 'notFound', status: 404, message: 'Message not found in this conversation', field: 'message_id' };
const NOT_SENDER = { kind: 'forbidden', status: 403, message: 'Only the sender of this message may do this', field: 'message_id' };
const SAME_USERS = { kind: 'invalidRequest', status: 400, message: 'The users must be different (you cannot message yourself)', field: undefined };

const IN_CONVERSATION: Guard = { messageInConversation: '$request.message_id' };
const SENDER: Guard = { messageSender: '$request.message_id' };
const DISTINCT: Guard = { distinctUsers: ['$request.senderid', '$request.receiverid'] };

describe('compileGuards', () => {
  const cases: [string, { guards: Guard[] | undefined; request?: unknown; conversation?: Given; stateless?: boolean; want: Thrown | undefined }][] = [
    ['no guards', { guards: undefined, conversation: 'c2', want: undefined }],
    ['an empty list', { guards: [], conversation: 'c2', want: undefined }],

    ['participant: the actor is one', { guards: ['participant'], conversation: 'c1', want: undefined }],
    ['participant: the actor is not one', { guards: ['participant'], conversation: 'c2', want: NOT_PARTICIPANT }],
    ['participant: an unknown id', { guards: ['participant'], conversation: 'unknownId', want: NO_CONVERSATION }],
    ['participant: missing, and may not be created', { guards: ['participant'], conversation: 'missing', want: NO_CONVERSATION }],
    ['participant: missing, and may be created', { guards: ['participant'], conversation: 'missingCreate', want: undefined }],
    ['participant: no conversation named', { guards: ['participant'], conversation: 'none', want: undefined }],
    ['participant, stateless: not checked', { guards: ['participant'], conversation: 'c2', stateless: true, want: undefined }],

    ['messageInConversation: it is', { guards: [IN_CONVERSATION], request: { message_id: 'm1' }, want: undefined }],
    ['messageInConversation: in another conversation', { guards: [IN_CONVERSATION], request: { message_id: 'm3' }, want: NO_MESSAGE }],
    ['messageInConversation: unknown', { guards: [IN_CONVERSATION], request: { message_id: 'zz' }, want: NO_MESSAGE }],
    ['messageInConversation: deleted', { guards: [IN_CONVERSATION], request: { message_id: 'm4' }, want: NO_MESSAGE }],
    ['messageInConversation: no conversation', { guards: [IN_CONVERSATION], request: { message_id: 'm1' }, conversation: 'unknownId', want: NO_MESSAGE }],
    [
      'messageInConversation: the field is the request path',
      { guards: [{ messageInConversation: '$request.message.id' }], request: { message: { id: 'zz' } }, want: { ...NO_MESSAGE, field: 'message.id' } },
    ],
    ['messageInConversation, stateless: not checked', { guards: [IN_CONVERSATION], request: { message_id: 'zz' }, stateless: true, want: undefined }],

    ['messageSender: the actor sent it', { guards: [SENDER], request: { message_id: 'm2' }, want: undefined }],
    ['messageSender: someone else sent it', { guards: [SENDER], request: { message_id: 'm1' }, want: NOT_SENDER }],
    ['messageSender: an unknown message has no sender to check', { guards: [SENDER], request: { message_id: 'zz' }, want: undefined }],
    ['messageSender, stateless: not checked', { guards: [SENDER], request: { message_id: 'm1' }, stateless: true, want: undefined }],

    ['distinctUsers: different', { guards: [DISTINCT], request: { senderid: 'ada', receiverid: 'bob' }, want: undefined }],
    ['distinctUsers: the same', { guards: [DISTINCT], request: { senderid: 'ada', receiverid: 'ada' }, want: SAME_USERS }],
    ['distinctUsers: the actor and a request id', { guards: [{ distinctUsers: ['$actor.id', '$request.to'] }], request: { to: 'ada' }, want: SAME_USERS }],
    ['distinctUsers: a list with a repeat', { guards: [{ distinctUsers: ['$request.ids'] }], request: { ids: ['bob', 'cy', 'bob'] }, want: SAME_USERS }],
    ['distinctUsers, stateless: still checked', { guards: [DISTINCT], request: { senderid: 'ada', receiverid: 'ada' }, stateless: true, want: SAME_USERS }],

    [
      'override: kind and message',
      { guards: [{ check: 'participant', error: { kind: 'notFound', message: 'No such room' } }], conversation: 'c2', want: { kind: 'notFound', status: 404, message: 'No such room', field: undefined } },
    ],
    [
      'override: kind only keeps the default message and the field',
      { guards: [{ check: SENDER, error: { kind: 'invalidRequest' } }], request: { message_id: 'm1' }, want: { ...NOT_SENDER, kind: 'invalidRequest', status: 400 } },
    ],
    [
      'override of messageInConversation',
      { guards: [{ check: IN_CONVERSATION, error: { kind: 'forbidden', message: 'Not here' } }], request: { message_id: 'm3' }, want: { kind: 'forbidden', status: 403, message: 'Not here', field: 'message_id' } },
    ],
    [
      'override of distinctUsers',
      { guards: [{ check: DISTINCT, error: { kind: 'forbidden', message: 'No talking to yourself' } }], request: { senderid: 'ada', receiverid: 'ada' }, want: { kind: 'forbidden', status: 403, message: 'No talking to yourself', field: undefined } },
    ],
    ['override: a passing guard does not fail', { guards: [{ check: 'participant', error: { kind: 'notFound' } }], conversation: 'c1', want: undefined }],

    ['in order: the first failing guard wins', { guards: ['participant', SENDER], request: { message_id: 'm1' }, conversation: 'c2', want: NOT_PARTICIPANT }],
    ['in order: distinctUsers first', { guards: [DISTINCT, 'participant'], request: { senderid: 'ada', receiverid: 'ada' }, conversation: 'c2', want: SAME_USERS }],
    ['in order: a later guard fails when the earlier pass', { guards: ['participant', IN_CONVERSATION, SENDER], request: { message_id: 'm1' }, want: NOT_SENDER }],
  ];
  it.each(cases)('%s', (_name, { guards, want, ...given }) => {
    expect(check(guards, given)).toEqual(want);
  });

  it('throws a ProtocolError (an Error named ProtocolError)', () => {
    const w = world();
    const scope = newScope<MemoryRecords>(w.state, {}, ADA);
    const run = () => compileGuards(['participant'])(scope, { conversation: w.c2, named: true }, w.state);
    expect(run).toThrow(ProtocolError);
    expect(run).toThrow('You are not a participant of this conversation');
  });

  it('changes nothing in the state, passing or failing', () => {
    const w = world();
    const snapshot = () => JSON.stringify({ conversations: [...w.state.conversations.values()], messages: [...w.state.messages.values()].map((m) => ({ ...m, readBy: [...m.readBy], pending: [...m.pending] })) });
    const before = snapshot();
    const scope = newScope<MemoryRecords>(w.state, { message_id: 'm1' }, ADA);
    const guards = compileGuards(['participant', IN_CONVERSATION, SENDER]);
    expect(() => guards(scope, { conversation: w.c1, named: true }, w.state)).toThrow(ProtocolError);
    compileGuards(['participant', IN_CONVERSATION])(scope, { conversation: w.c1, named: true }, w.state);
    expect(snapshot()).toBe(before);
    expect(w.state.created).toHaveLength(2);
    expect(w.state.stored).toHaveLength(4);
  });
});
