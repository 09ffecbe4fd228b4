/**
 * Expressions (CONVENTIONS.md §4.3) compiled into functions of a scope: each family, literals and
 * lists, and the user-naming variant (compileUsers) that recipients, participants and conditions use.
 */
import { describe, expect, it } from 'vitest';
import { compileUsers, compileValue, dependsOnRecipient, ExpressionError, newScope, requestPath, userIdIn, type Actor, type Scope } from '../../src/behaviour/index.js';
import { failureOf, type Failure } from '../../src/runtime/errors.js';
import { MemoryState, type MemoryRecords } from './memory-state.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const REQUEST = {
  text: 'hi',
  n: 0,
  message: { sender_id: 'ada', body: 'x' },
  data: [{ text: 'first' }, { text: 'second' }],
};
/** The actor's id differs from their key, so that `$actor.id` is seen to be the id. */
const ADA: Actor = { key: 'ada', id: 'ada-id', attributes: { name: 'Ada', profile: { city: 'London' } } };

/**
 * A state where, in conversation c1 (ada, bob), ada sent three messages (the last one, m6, one
 * second after NOW) and bob one; in c2 (ada, cy) cy sent one; in c3 (bob, dan) dan sent one.
 * Unread: bob 3 in c1 and 4 in all; ada 1 in c1 and 2 in all.
 */
function world() {
  const state = new MemoryState({ now: NOW });
  const c1 = state.addConversation('c1', 'direct', ['ada', 'bob']);
  const c2 = state.addConversation('c2', 'direct', ['ada', 'cy']);
  const c3 = state.addConversation('c3', 'direct', ['bob', 'dan']);
  state.addMessage(c1, 'ada');
  state.addMessage(c1, 'ada');
  state.addMessage(c1, 'bob');
  state.addMessage(c2, 'cy');
  state.addMessage(c3, 'dan');
  state.time = NOW;
  const message = state.addMessage(c1, 'ada', 'the one');
  state.time = NOW;
  return { state, c1, message };
}

interface Setup {
  conversation?: boolean;
  message?: boolean;
  recipient?: boolean;
  error?: Failure;
}

function scopeOf(setup: Setup = {}): Scope {
  const { state, c1, message } = world();
  const scope = newScope<MemoryRecords>(state, REQUEST, ADA);
  if (setup.conversation) scope.conversation = c1;
  if (setup.message) scope.message = message;
  if (setup.recipient) scope.recipient = { key: 'bob', id: 'bob-id' };
  // A scope's error is set by whoever builds an error payload; newScope has no parameter for it.
  return setup.error ? Object.assign(scope, { error: setup.error }) : scope;
}

const NOT_FOUND = failureOf('notFound', 'No such room', 'join', 'room_id');
const MESSAGE_AT = new Date(NOW + 1000).toISOString();

describe('compileValue', () => {
  const cases: [string, { value: unknown; setup?: Setup; want: unknown }][] = [
    ['$request is the whole payload', { value: '$request', want: REQUEST }],
    ['$request.<field>', { value: '$request.text', want: 'hi' }],
    ['$request.<field> holding 0', { value: '$request.n', want: 0 }],
    ['$request.<nested path>', { value: '$request.message.sender_id', want: 'ada' }],
    ['$request.<array index>', { value: '$request.data.1.text', want: 'second' }],
    ['$request.<array item>', { value: '$request.data.0', want: { text: 'first' } }],
    ['$request.<index past the end>', { value: '$request.data.5.text', want: undefined }],
    ['$request.<missing path>', { value: '$request.missing.deep', want: undefined }],
    ['$actor.id is the id, not the key', { value: '$actor.id', want: 'ada-id' }],
    ['$actor.<attribute>', { value: '$actor.name', want: 'Ada' }],
    ['$actor.<nested attribute>', { value: '$actor.profile.city', want: 'London' }],
    ['$actor.<unknown attribute>', { value: '$actor.role', want: undefined }],
    ['$recipient.id', { value: '$recipient.id', setup: { recipient: true }, want: 'bob-id' }],
    ['$recipient.id with no recipient', { value: '$recipient.id', want: undefined }],
    ['$conversation.id', { value: '$conversation.id', setup: { conversation: true }, want: 'c1' }],
    ['$conversation.id with no conversation', { value: '$conversation.id', want: undefined }],
    ['$conversation.unread: the recipient’s', { value: '$conversation.unread', setup: { conversation: true, recipient: true }, want: 3 }],
    ['$conversation.unread: the actor’s when no recipient', { value: '$conversation.unread', setup: { conversation: true }, want: 1 }],
    ['$conversation.unread with no conversation', { value: '$conversation.unread', setup: { recipient: true }, want: 0 }],
    ['$unread.total: the recipient’s', { value: '$unread.total', setup: { recipient: true }, want: 4 }],
    ['$unread.total: the actor’s when no recipient', { value: '$unread.total', want: 2 }],
    ['$message.id', { value: '$message.id', setup: { message: true }, want: 'm6' }],
    ['$message.createdAt, ISO 8601', { value: '$message.createdAt', setup: { message: true }, want: MESSAGE_AT }],
    ['$message.id with no message', { value: '$message.id', want: undefined }],
    ['$message.createdAt with no message', { value: '$message.createdAt', want: undefined }],
    ['$now, ISO 8601', { value: '$now', want: '2026-01-02T03:04:05.000Z' }],
    ['$error.kind', { value: '$error.kind', setup: { error: NOT_FOUND }, want: 'notFound' }],
    ['$error.status', { value: '$error.status', setup: { error: NOT_FOUND }, want: 404 }],
    ['$error.message', { value: '$error.message', setup: { error: NOT_FOUND }, want: 'No such room' }],
    ['$error.event', { value: '$error.event', setup: { error: NOT_FOUND }, want: 'join' }],
    ['$error.field', { value: '$error.field', setup: { error: NOT_FOUND }, want: 'room_id' }],
    ['$error.field of an error without one', { value: '$error.field', setup: { error: failureOf('internal', 'x') }, want: undefined }],
    ['$error.kind with no error', { value: '$error.kind', want: undefined }],
    ['a string literal', { value: 'text', want: 'text' }],
    ['a literal that looks like a path', { value: 'request.text', want: 'request.text' }],
    ['the empty string', { value: '', want: '' }],
    ['a number', { value: 42, want: 42 }],
    ['false', { value: false, want: false }],
    ['null', { value: null, want: null }],
    ['an object literal, as it is', { value: { a: '$request.text' }, want: { a: '$request.text' } }],
    ['a list of expressions and literals', { value: ['$actor.id', 'x', 3, '$request.data.0.text'], want: ['ada-id', 'x', 3, 'first'] }],
    ['a list of lists', { value: [['$request.text'], []], want: [['hi'], []] }],
    ['an empty list', { value: [], want: [] }],
  ];
  it.each(cases)('%s', (_name, { value, setup, want }) => {
    expect(compileValue(value)(scopeOf(setup))).toEqual(want);
  });

  it('reads the payload itself, not a copy', () => {
    const scope = scopeOf();
    expect(compileValue('$request')(scope)).toBe(REQUEST);
    expect(compileValue('$request.data')(scope)).toBe(REQUEST.data);
  });

  it('reads the scope when called, not when compiled', () => {
    const evaluate = compileValue('$conversation.id');
    const scope = scopeOf();
    expect(evaluate(scope)).toBeUndefined();
    scope.conversation = { id: 'later', kind: 'group', participants: [] };
    expect(evaluate(scope)).toBe('later');
  });

  const unknown = ['$foo', '$', '$requests.text', '$recipient', '$recipient.name', '$conversation', '$conversation.name', '$unread', '$unread.count', '$message', '$message.text', '$actors.id'];
  it.each(unknown)('throws ExpressionError for %s, naming it', (value) => {
    expect(() => compileValue(value)).toThrow(ExpressionError);
    expect(() => compileValue(value)).toThrow(`unknown expression ${value}`);
  });

  it('throws for an unknown expression inside a list, when compiling', () => {
    expect(() => compileValue(['$request.text', '$bogus'])).toThrow(ExpressionError);
  });
});

describe('compileUsers', () => {
  // With roles: the actor is customer 7; a user id in a request names a vendor.
  const CUSTOMER: Actor = { key: 'customer:7', id: 7, role: 'customer', attributes: { buddy: 12 } };
  const request = {
    to: 9,
    zero: 0,
    ids: [1, 2],
    empty: '',
    nil: null,
    members: [{ user_id: 3, name: 'Cy' }, { name: 'no id' }, { id: 4 }, { _id: 5 }],
    owner: { userId: 6, email: 'e@example.com' },
    mixed: ['', null, 8, undefined],
  };
  function rolesScope(recipient?: string): Scope {
    const state = new MemoryState({ counterpart: { customer: 'vendor', vendor: 'customer' } });
    const scope = newScope<MemoryRecords>(state, request, CUSTOMER);
    if (recipient) scope.recipient = { key: recipient, id: recipient.split(':')[1]! };
    return scope;
  }

  const cases: [string, { value: unknown; recipient?: string; want: string[] }][] = [
    ['$actor.id is the actor’s key', { value: '$actor.id', want: ['customer:7'] }],
    ['$recipient.id is the recipient’s key', { value: '$recipient.id', recipient: 'vendor:9', want: ['vendor:9'] }],
    ['$recipient.id with no recipient names nobody', { value: '$recipient.id', want: [] }],
    ['an id in the request: a user of the counterpart role', { value: '$request.to', want: ['vendor:9'] }],
    ['the id 0 is an id', { value: '$request.zero', want: ['vendor:0'] }],
    ['a list of ids', { value: '$request.ids', want: ['vendor:1', 'vendor:2'] }],
    ['a list of expressions', { value: ['$actor.id', '$request.to'], want: ['customer:7', 'vendor:9'] }],
    ['user objects, by user_id, id or _id; one without an id skipped', { value: '$request.members', want: ['vendor:3', 'vendor:4', 'vendor:5'] }],
    ['a user object by userId', { value: '$request.owner', want: ['vendor:6'] }],
    ['an actor attribute holding an id', { value: '$actor.buddy', want: ['vendor:12'] }],
    ['a literal id', { value: 'bob', want: ['vendor:bob'] }],
    ['a missing field names nobody', { value: '$request.missing', want: [] }],
    ['the empty string names nobody', { value: '$request.empty', want: [] }],
    ['null names nobody', { value: '$request.nil', want: [] }],
    ['empty values in a list are skipped', { value: '$request.mixed', want: ['vendor:8'] }],
    ['an empty list names nobody', { value: [], want: [] }],
  ];
  it.each(cases)('%s', (_name, { value, recipient, want }) => {
    expect(compileUsers(value)(rolesScope(recipient))).toEqual(want);
  });

  it('without roles, an id is its own key', () => {
    const scope = newScope(new MemoryState(), { to: 'bob', many: ['cy', 'dan'] }, ADA);
    expect(compileUsers(['$actor.id', '$request.to', '$request.many'])(scope)).toEqual(['ada', 'bob', 'cy', 'dan']);
  });

  it('throws ExpressionError for an unknown expression', () => {
    expect(() => compileUsers('$someone.id')).toThrow(ExpressionError);
  });
});

describe('userIdIn', () => {
  const cases: [string, { value: unknown; want: unknown }][] = [
    ['a plain id is itself', { value: 'ada', want: 'ada' }],
    ['a number is itself', { value: 3, want: 3 }],
    ['user_id', { value: { name: 'Ada', user_id: 'ada' }, want: 'ada' }],
    ['userid', { value: { userid: 'ada' }, want: 'ada' }],
    ['UserId, any case', { value: { UserId: 'ada' }, want: 'ada' }],
    ['uid', { value: { uid: 'ada' }, want: 'ada' }],
    ['id', { value: { id: 1 }, want: 1 }],
    ['_id', { value: { _id: 'x' }, want: 'x' }],
    ['the first id-like key in key order', { value: { _id: 'first', user_id: 'second' }, want: 'first' }],
    ['an object without an id', { value: { name: 'Ada', sender_id: 'no' }, want: undefined }],
    ['a list is itself', { value: ['a'], want: ['a'] }],
    ['null is itself', { value: null, want: null }],
  ];
  it.each(cases)('%s', (_name, { value, want }) => {
    expect(userIdIn(value)).toEqual(want);
  });
});

describe('dependsOnRecipient', () => {
  const cases: [unknown, boolean][] = [
    ['$recipient.id', true],
    ['$conversation.unread', true],
    ['$unread.total', true],
    ['$conversation.id', false],
    ['$actor.id', false],
    ['$request.recipient', false],
    ['$message.id', false],
    ['recipient', false],
    [42, false],
    [['$request.text', '$recipient.id'], true],
    [['$request.text', 'x'], false],
    [[], false],
  ];
  it.each(cases)('%j → %s', (value, want) => {
    expect(dependsOnRecipient(value)).toBe(want);
  });
});

describe('requestPath', () => {
  const cases: [unknown, (string | number)[] | undefined][] = [
    ['$request', []],
    ['$request.text', ['text']],
    ['$request.message.sender_id', ['message', 'sender_id']],
    ['$request.data.0.text', ['data', 0, 'text']],
    ['$actor.id', undefined],
    ['request.text', undefined],
    [42, undefined],
    [undefined, undefined],
  ];
  it.each(cases)('%j → %j', (value, want) => {
    expect(requestPath(value)).toEqual(want);
  });

  it('is undefined for an expression that only starts like $request', () => {
    expect(requestPath('$requestx')).toBeUndefined();
  });
});
