/**
 * invalidPayloads: each mutation class on tiny inline schemas, with the labels and payloads
 * written out; then every client event of every spec, against its generated validator: 500
 * distinct payloads, all rejected, reproducible by seed, small.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../src/spec/ajv.js';
import { invalidPayloads, payloadKey, type InvalidPayload } from '../../src/spec/invalid-payloads.js';
import type { JsonSchema } from '../../src/spec/model.js';
import { loadSpec, PROTOCOLS, validPayload } from '../helpers/specs.js';

type Validate = (namespace: string, direction: 'client' | 'server', event: string, payload: unknown) => readonly unknown[];

/** A document whose schemas the inline cases `$ref`, validated with Parley's own ajv setup. */
const doc = {
  components: {
    schemas: {
      Id: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      Seen: { oneOf: [{ type: 'boolean' }, { type: 'string', maxLength: 0 }] },
    },
  },
};
const ajv = createAjv();
const rejects = (schema: JsonSchema) => {
  const check = ajv.compile({ ...schema, components: doc.components });
  return (payload: unknown) => !check(payload);
};
const all = (schema: JsonSchema, valid: unknown, seed = 1): InvalidPayload[] =>
  invalidPayloads(doc, schema, valid, { seed, count: 2000, isInvalid: rejects(schema) });
const singles = (schema: JsonSchema, valid: unknown): [string, string][] =>
  all(schema, valid)
    .filter((p) => !p.label.includes(' + '))
    .map((p) => [p.label, payloadKey(p.payload)]);
const obj = (properties: Record<string, unknown>, extra: JsonSchema = {}): JsonSchema => ({ type: 'object', properties, ...extra });

// Each case: a schema, a valid payload, and [label, payload] pairs that must be among the results.
const cases: [string, JsonSchema, unknown, [string, unknown][]][] = [
  [
    'root not an object, or absent',
    obj({}),
    {},
    [
      ['no argument (undefined)', undefined],
      ['not an object: "1"', '1'],
      ['not an object: 1.5', 1.5],
      ['not an object: 0', 0],
      ['not an object: true', true],
      ['not an object: null', null],
      ['not an object: []', []],
    ],
  ],
  [
    'missing required fields, at every depth',
    obj({ a: { type: 'string' }, user: obj({ email: { type: 'string' } }, { required: ['email'] }) }, { required: ['a', 'user'] }),
    { a: 'x', user: { email: 'e' } },
    [
      ['missing required a', { user: { email: 'e' } }],
      ['missing required user', { a: 'x' }],
      ['missing required user.email', { a: 'x', user: {} }],
    ],
  ],
  [
    'every JSON type the schema does not allow, present or absent',
    obj({ s: { type: 'string' }, n: { type: ['number', 'null'] }, opt: { type: 'boolean' } }),
    { s: 'v', n: 2 },
    [
      ['s of type number: 1.5', { s: 1.5, n: 2 }],
      ['s of type integer: 1', { s: 1, n: 2 }],
      ['s of type boolean: true', { s: true, n: 2 }],
      ['s of type null: null', { s: null, n: 2 }],
      ['s of type array: ["v"]', { s: ['v'], n: 2 }],
      ['s of type object: {"value":"v"}', { s: { value: 'v' }, n: 2 }],
      ['n of type string: "1"', { s: 'v', n: '1' }],
      ['n of type boolean: false', { s: 'v', n: false }],
      ['opt of type string: "true"', { s: 'v', n: 2, opt: 'true' }],
      ['opt of type integer: 0', { s: 'v', n: 2, opt: 0 }],
    ],
  ],
  [
    'string lengths, in ASCII and astral characters, through a $ref',
    obj({ id: { $ref: '#/components/schemas/Id' } }),
    { id: 'abc' },
    [
      ['id over maxLength 4', { id: 'xxabc' }],
      ['id over maxLength 4 in astral characters', { id: '🙂🙂🙂🙂🙂' }],
      ['id under minLength 2', { id: 'a' }],
      ['id under minLength 2 in astral characters', { id: '🙂' }],
    ],
  ],
  [
    'pattern violations',
    obj({ id: { $ref: '#/components/schemas/Id' } }),
    { id: 'abc' },
    [
      ['id breaking pattern ^[a-z]+$: "abc "', { id: 'abc ' }],
      ['id breaking pattern ^[a-z]+$: "abc\\u0000"', { id: 'abc\u0000' }],
      ['id breaking pattern ^[a-z]+$: "abc\\ud800"', { id: 'abc\ud800' }],
      ['id breaking pattern ^[a-z]+$: "abc\u202e"', { id: 'abc\u202e' }],
      ['id breaking pattern ^[a-z]+$: "<script>"', { id: '<script>' }],
    ],
  ],
  [
    'array sizes, item mutations and one item past the end',
    obj({ list: { type: 'array', minItems: 2, maxItems: 3, items: obj({ id: { type: 'string' }, note: { type: 'string' } }, { required: ['id'] }) } }),
    { list: [{ id: 'a', note: 'n' }, { id: 'b' }] },
    [
      ['list over maxItems 3', { list: [{ id: 'a' }, { id: 'a' }, { id: 'a' }, { id: 'a' }] }],
      ['list under minItems 2', { list: [{ id: 'a', note: 'n' }] }],
      ['missing required list[1].id', { list: [{ id: 'a', note: 'n' }, {}] }],
      ['list[0].note of type null: null', { list: [{ id: 'a', note: null }, { id: 'b' }] }],
      ['list[2] of type string: "x"', { list: [{ id: 'a', note: 'n' }, { id: 'b' }, 'x'] }],
    ],
  ],
  [
    'numeric bounds and non-integers',
    obj({ n: { type: 'integer', minimum: 1, maximum: 9 }, x: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.25 } }),
    { n: 5, x: 0.5 },
    [
      ['n above maximum 9', { n: 10, x: 0.5 }],
      ['n below minimum 1', { n: 0, x: 0.5 }],
      ['n non-integer: 1.5', { n: 1.5, x: 0.5 }],
      ['x at exclusiveMaximum 1', { n: 5, x: 1 }],
      ['x at exclusiveMinimum 0', { n: 5, x: 0 }],
      ['x not a multiple of 0.25', { n: 5, x: 0.625 }],
    ],
  ],
  [
    'values outside enum and const',
    obj({ colour: { type: 'string', enum: ['red', 'green'] }, v: { const: 'v1' } }),
    { colour: 'red', v: 'v1' },
    [
      ['colour outside enum: "RED"', { colour: 'RED', v: 'v1' }],
      ['colour outside enum: "red "', { colour: 'red ', v: 'v1' }],
      ['colour outside enum: "NOT_IN_ENUM"', { colour: 'NOT_IN_ENUM', v: 'v1' }],
      ['v not const "v1": "V1"', { colour: 'red', v: 'V1' }],
    ],
  ],
  [
    'bad formats',
    obj({ at: { type: 'string', format: 'date-time' }, url: { type: 'string', format: 'uri' }, mail: { type: 'string', format: 'email' }, id: { type: 'string', format: 'uuid' } }),
    { at: '2024-05-15T07:19:36Z', url: 'https://example.com/', mail: 'a@b.example', id: '123e4567-e89b-12d3-a456-426614174000' },
    [
      ['at bad date-time: "yesterday"', { at: 'yesterday', url: 'https://example.com/', mail: 'a@b.example', id: '123e4567-e89b-12d3-a456-426614174000' }],
      ['url bad uri: "not a uri"', { at: '2024-05-15T07:19:36Z', url: 'not a uri', mail: 'a@b.example', id: '123e4567-e89b-12d3-a456-426614174000' }],
      ['mail bad email: "no-at-sign"', { at: '2024-05-15T07:19:36Z', url: 'https://example.com/', mail: 'no-at-sign', id: '123e4567-e89b-12d3-a456-426614174000' }],
      ['id bad uuid: "not-a-uuid"', { at: '2024-05-15T07:19:36Z', url: 'https://example.com/', mail: 'a@b.example', id: 'not-a-uuid' }],
    ],
  ],
  [
    'unknown fields where additionalProperties is false, tricky names included',
    obj({ a: { type: 'string' } }, { additionalProperties: false }),
    { a: 'x' },
    [
      ['unknown field "notInTheSpec" in payload: 1', { a: 'x', notInTheSpec: 1 }],
      // JSON.parse makes `__proto__` an own property, as a server receiving it would.
      ['unknown field "__proto__" in payload: 1', JSON.parse('{"a":"x","__proto__":1}')],
      ['unknown field "constructor" in payload: {}', { a: 'x', constructor: {} }],
      ['unknown field "toString" in payload: null', { a: 'x', toString: null }],
      ['unknown field "" in payload: true', { a: 'x', '': true }],
      [`unknown field "kkkkkkkkkkkkkkkkkkkkkkkkkkkkk…(258 chars) in payload: []`, { a: 'x', ['k'.repeat(256)]: [] }],
    ],
  ],
  [
    'binary fields given anything but bytes',
    obj({ file: { 'x-socketio-binary': { maxBytes: 8 } } }, { required: ['file'] }),
    { file: Buffer.from([1, 2]) },
    [
      ['file not binary: "x"', { file: 'x' }],
      ['file not binary: 0', { file: 0 }],
      ['file not binary: null', { file: null }],
      ['file not binary: {}', { file: {} }],
      ['missing required file', {}],
    ],
  ],
  [
    'oneOf and anyOf branches',
    obj({ seen: { $ref: '#/components/schemas/Seen' }, chatId: { type: 'string' }, productId: { type: 'string' } }, { anyOf: [{ required: ['chatId'] }, { required: ['productId'] }] }),
    { seen: false, chatId: 'c' },
    [
      ['seen over maxLength 0', { seen: 'x', chatId: 'c' }],
      ['seen of type null: null', { seen: null, chatId: 'c' }],
      ['missing required chatId', { seen: false }],
    ],
  ],
];

describe('invalidPayloads on inline schemas', () => {
  it.each(cases)('%s', (_name, schema, valid, expected) => {
    const got = singles(schema, valid);
    for (const [label, payload] of expected) expect(got).toContainEqual([label, payloadKey(payload)]);
  });

  it('makes no binary data of its own: the valid payload\'s bytes are the only ones, shared', () => {
    const [, schema] = cases.find(([name]) => name.startsWith('binary'))!;
    const file = Buffer.from([1, 2]);
    const found: unknown[] = [];
    const collect = (v: unknown): void => {
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) found.push(v);
      else if (typeof v === 'object' && v !== null) Object.values(v).forEach(collect);
    };
    for (const p of all(schema, { file })) collect(p.payload);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((b) => b === file)).toBe(true);
  });

  it('returns fewer than asked when the schema allows no more, and nothing when it accepts anything', () => {
    const bool = all({ type: 'boolean' }, true);
    expect(bool.length).toBeGreaterThan(5);
    expect(bool.length).toBeLessThan(30);
    expect(bool.map((p) => p.label)).toContain('no argument (undefined)');
    expect(all({}, 1)).toEqual([]);
  });

  it('takes a seeded subset of the single mutations when they outnumber count, in their order', () => {
    const [, schema, valid] = cases.find(([name]) => name.startsWith('unknown fields'))!;
    const every = all(schema, valid).filter((p) => !p.label.includes(' + '));
    const some = invalidPayloads(doc, schema, valid, { seed: 7, count: 10, isInvalid: rejects(schema) });
    expect(some).toHaveLength(10);
    const positions = some.map((p) => every.findIndex((q) => q.label === p.label));
    expect(positions.every((i) => i >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(invalidPayloads(doc, schema, valid, { seed: 8, count: 10, isInvalid: rejects(schema) })).not.toEqual(some);
  });

  it('combines mutations at unrelated paths, labelled with their parts', () => {
    const [, schema, valid] = cases.find(([name]) => name.startsWith('numeric'))!;
    const combined = all(schema, valid).filter((p) => p.label.includes(' + '));
    expect(combined.length).toBeGreaterThan(0);
    expect(combined.map((p) => p.label)).toContain('n above maximum 9 + x at exclusiveMaximum 1');
  });

  it('refuses a valid payload its schema rejects', () => {
    expect(() => all({ type: 'string' }, 1)).toThrow(/rejected itself/);
  });
});

const generated = fileURLToPath(new URL('../../generated/', import.meta.url));

const events = await Promise.all(
  PROTOCOLS.map(async (protocol) => {
    const { model, source } = loadSpec(protocol);
    const { validate } = (await import(`${generated}${protocol}/validators.js`)) as { validate: Validate };
    return model.namespaces.flatMap((ns) =>
      ns.events
        .filter((e) => e.direction === 'client')
        .map((e) => {
          const name = `${protocol} ${ns.path} ${e.name}`;
          const isInvalid = (payload: unknown) => validate(ns.path, 'client', e.name, payload).length > 0;
          return [name, { doc: source.data, schema: e.payload, valid: validPayload(protocol, ns, e), isInvalid }] as const;
        }),
    );
  }),
).then((lists) => lists.flat());

const hasBinary = (v: unknown): boolean =>
  ArrayBuffer.isView(v) || (typeof v === 'object' && v !== null && Object.values(v).some(hasBinary));

describe('invalidPayloads on every client event of the specs', () => {
  it('has a valid base for every event: its first example, or one written here', () => {
    expect(events.filter(([, e]) => e.valid === undefined).map(([name]) => name)).toEqual([]);
    for (const [name, e] of events) expect(e.isInvalid(e.valid), name).toBe(false);
  });

  it.each(events)('%s: 500 distinct payloads, each rejected, reproducible by seed', (_name, { doc: spec, schema, valid, isInvalid }) => {
    const list = invalidPayloads(spec, schema, valid, { seed: 42, count: 500, isInvalid });

    expect(list).toHaveLength(500);
    expect(new Set(list.map((p) => payloadKey(p.payload))).size).toBe(500);
    expect(list.filter((p) => !isInvalid(p.payload))).toEqual([]);
    for (const { label, payload } of list) {
      if (payload === undefined || hasBinary(payload)) continue;
      const json = JSON.stringify(payload);
      // JSON-safe: what the server parses is what was generated (no NaN, undefined or functions).
      expect(payloadKey(JSON.parse(json)), label).toBe(payloadKey(payload));
      expect(Buffer.byteLength(json), label).toBeLessThan(24 * 1024);
    }

    const again = invalidPayloads(spec, schema, valid, { seed: 42, count: 500, isInvalid });
    expect(again.map((p) => [p.label, payloadKey(p.payload)])).toEqual(list.map((p) => [p.label, payloadKey(p.payload)]));
    const other = invalidPayloads(spec, schema, valid, { seed: 43, count: 500, isInvalid });
    expect(other.map((p) => payloadKey(p.payload))).not.toEqual(list.map((p) => payloadKey(p.payload)));
  });
});
