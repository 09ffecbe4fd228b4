/** The small decisions of the generator, each against a table of cases. */
import { describe, expect, it } from 'vitest';
import { camelCase, methodName, pascalCase, payloadTypeName, propertyKey } from '../../src/spec/names.js';
import { tsType } from '../../src/generator/ts-types.js';
import { clientAuthType } from '../../src/generator/view/handshake.js';
import { errorPayload, readCredential } from '../../src/runtime/namespace-spec.js';
import { credentialSource, errorFields } from '../../src/spec/namespace-spec.js';
import { dynamicEventView } from '../../src/generator/view/events.js';
import { largestBinary } from '../../src/generator/view/protocol.js';
import type { EventModel } from '../../src/spec/model.js';

describe('names', () => {
  it.each([
    ['sendMessage', 'SendMessage', 'sendMessage'],
    ['get_chats', 'GetChats', 'getChats'],
    ['pin message', 'PinMessage', 'pinMessage'],
    ['group_{userId}', 'GroupUserId', 'groupUserId'],
    ['new_room_create', 'NewRoomCreate', 'newRoomCreate'],
  ])('%s → %s / %s', (name, pascal, camel) => {
    expect(pascalCase(name)).toBe(pascal);
    expect(camelCase(name)).toBe(camel);
  });

  it.each([
    ['_id', '_id'],
    ['last_message_Username', 'last_message_Username'],
    ['pin message', '"pin message"'],
    ['{userId}', '"{userId}"'],
  ])('property key %s → %s', (name, key) => expect(propertyKey(name)).toBe(key));

  it('names payload types after their message', () => expect(payloadTypeName('sendMessage')).toBe('SendMessagePayload'));

  it.each(['on', 'close', 'socket', 'constructor'])('refuses the method name %s, which generated objects use', (name) => {
    expect(() => methodName(name)).toThrow(/cannot use/);
  });
});

describe('tsType', () => {
  it.each<[string, unknown, string]>([
    ['a reference by its name', { $ref: '#/components/schemas/Thread' }, 'Thread'],
    ['a string enum as a union', { type: 'string', enum: ['0', '1'] }, '"0" | "1"'],
    ['a nullable string', { type: ['string', 'null'] }, 'string | null'],
    ['an integer as number', { type: 'integer', minimum: 0 }, 'number'],
    ['an array of references', { type: 'array', items: { $ref: '#/components/schemas/User' } }, 'User[]'],
    ['an array of a union', { type: 'array', items: { type: ['string', 'null'] } }, '(string | null)[]'],
    ['a const', { const: 200 }, '200'],
    ['a binary field', { 'x-socketio-binary': { maxBytes: 10 } }, 'Binary'],
    ['an empty closed object', { type: 'object', additionalProperties: false }, 'Record<string, never>'],
    ['oneOf of references', { oneOf: [{ $ref: '#/a/A' }, { $ref: '#/a/B' }] }, 'A | B'],
  ])('types %s', (_name, schema, want) => expect(tsType(schema)).toBe(want));

  it('types an object with required and optional fields, documented, closed', () => {
    const type = tsType({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', description: 'The id.', maxLength: 64 }, 'odd key': { type: 'boolean' } },
      additionalProperties: false,
    });
    expect(type).toBe('{\n  /**\n   * The id.\n   * (at most 64 characters)\n   */\n  id: string;\n  "odd key"?: boolean;\n}');
  });

  it('gives an open object an index signature', () => {
    expect(tsType({ type: 'object', properties: { a: { type: 'string' } } })).toContain('[key: string]: unknown;');
  });

  it('ignores anyOf branches that only list required fields', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }], additionalProperties: false };
    expect(tsType(schema)).toBe('{\n  a?: string;\n  b?: string;\n}');
  });
});

describe('error payloads', () => {
  const failure = { kind: 'notFound', status: 404, message: 'no such chat', event: 'getChat', field: 'chatId' } as const;
  it.each<[string, Record<string, string | boolean>, unknown]>([
    ['flat', { event: '$error.event', statusCode: '$error.status' }, { event: 'getChat', statusCode: 404 }],
    ['nested and literal', { error: true, 'data.field': '$error.field', 'data.event': '$error.event' }, { error: true, data: { field: 'chatId', event: 'getChat' } }],
    ['rooms style', { status: false, status_code: '$error.status' }, { status: false, status_code: 404 }],
  ])('%s', (_name, fields, want) => expect(errorPayload(errorFields(fields), failure)).toEqual(want));

  it('leaves out what a failure does not have', () => {
    expect(errorPayload(errorFields({ message: '$error.message', field: '$error.field' }), { kind: 'internal', status: 500, message: 'internal error' })).toEqual({ message: 'internal error' });
  });

  it('refuses an expression that has no meaning in an error', () => {
    expect(() => errorFields({ x: '$request.id' })).toThrow(/cannot be used in an error payload/);
    expect(() => errorFields({ x: '$error.stack' })).toThrow(/cannot be used in an error payload/);
  });
});

describe('handshake', () => {
  const jwt = { token: ['auth.token'], algorithms: ['HS256'], claims: { $ref: '#/x' }, userId: 'sub' };
  it.each<[string, Parameters<typeof clientAuthType>[0], string]>([
    ['jwt in auth', { jwt, onFailure: 'connectError' }, '{ token: string }'],
    ['jwt plus trust', { jwt, trust: { userId: 'auth.userid' }, onFailure: 'connectError' }, '{ token: string } | { userid: string }'],
    ['header and query', { jwt: { ...jwt, token: ['auth.token', 'headers.Token', 'query.token'] }, onFailure: 'errorEvent' }, '{ token: string }'],
    ['announce only', { trust: { announce: { event: 'hello', path: 'user.id' } }, onFailure: 'connectError' }, 'Record<string, unknown>'],
  ])('%s', (_name, h, authType) => expect(clientAuthType(h)).toBe(authType));

  it('reads credentials where the spec says, first present wins', () => {
    const sources = ['auth.token', 'headers.Token', 'query.token'].map(credentialSource);
    expect(sources).toEqual([{ in: 'auth', name: 'token' }, { in: 'headers', name: 'token' }, { in: 'query', name: 'token' }]);
    const h = (auth: object, headers: object, query: object) => ({ auth, headers, query }) as never;
    expect(readCredential(sources, h({}, { token: 'H' }, { token: 'Q' }))).toBe('H');
    expect(readCredential(sources, h({ token: '' }, {}, { token: ['Q1', 'Q2'] }))).toBe('Q1');
    expect(readCredential(sources, h({ token: 7 }, {}, {}))).toBeUndefined();
    expect(() => credentialSource('cookie.token')).toThrow(/auth, headers or query/);
  });
});

describe('dynamic event names', () => {
  const event = (name: string) => ({ key: 'thing', name, direction: 'server', payload: {}, summary: 'A thing.' }) as unknown as EventModel;
  it.each([
    ['group_{userId}', '`group_${params.userId}`', '`group_${string}`', '^group_(.+)$', 'group_u1'],
    ['{userId}', '`${params.userId}`', undefined, '^(.+)$', 'u1'],
    ['a_{x}_b_{y}', '`a_${params.x}_b_${params.y}`', '`a_${string}_b_${string}`', '^a_(.+)_b_(.+)$', 'a_1_b_2'],
  ])('%s', (name, template, mapKey, matcher, sample) => {
    const view = dynamicEventView(event(name));
    expect(view.nameTemplate).toBe(template);
    expect(view.mapKeyType).toBe(mapKey);
    expect(view.matcher).toBe(matcher);
    expect(new RegExp(view.matcher).test(sample)).toBe(true);
    expect(view.emitHelper).toBe('emitThing');
    expect(view.listenHelper).toBe('onThing');
  });
});

describe('largest binary', () => {
  it('finds the largest maxBytes anywhere', () => {
    expect(largestBinary({ a: { 'x-socketio-binary': { maxBytes: 5 } }, b: [{ c: { 'x-socketio-binary': { maxBytes: 9 } } }] })).toBe(9);
    expect(largestBinary({ a: { type: 'string' } })).toBe(0);
  });
});
